/**
 * The local AWS emulator (moto_server) the integration tier talks to.
 *
 * scripts/integration/run.sh starts moto on a free loopback port and exports
 * `AWS_ENDPOINT_URL` (read by every AWS SDK v3 client and the CDK CLI), dummy credentials,
 * `AWS_REGION=us-east-1` and `MOTO_URL` (moto's own control API). Run the tier with
 * `npm run test:integration`; a test started without the emulator fails, it never skips.
 * @see https://docs.getmoto.org/en/latest/docs/server_mode.html
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */

/** moto's default account, used for requests without an `x-moto-account-id` header. */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** The emulator's endpoint and control API; throws when the tier was not started by its runner. */
export function emulator(): { endpoint: string; motoUrl: string } {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const motoUrl = process.env.MOTO_URL;
  if (!endpoint || !motoUrl || !/^http:\/\/(localhost|127\.0\.0\.1):\d+$/.test(endpoint)) {
    throw new Error('The integration tier needs a local moto_server: run `npm run test:integration` '
      + `(AWS_ENDPOINT_URL=${endpoint ?? 'unset'}, MOTO_URL=${motoUrl ?? 'unset'}).`);
  }
  return { endpoint, motoUrl };
}

export interface EmulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly maxAttempts: number;
}

/** SDK v3 client settings that can only reach the emulator. */
export function clientConfig(): EmulatorClientConfig {
  return {
    endpoint: emulator().endpoint,
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // A retry would hide an emulator error behind a slower pass or a different error.
    maxAttempts: 1,
  };
}

async function motoApi(path: string, body?: string): Promise<any> {
  const res = await fetch(`${emulator().motoUrl}/moto-api/${path}`, { method: 'POST', body });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto-api/${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Clears every emulated resource in every account (`POST /moto-api/reset`). */
export async function resetEmulator(): Promise<void> {
  await motoApi('reset');
}

/**
 * Turns moto's IAM authorization on (every request must be signed by a key moto issued and be
 * allowed by that identity's policies) or off (the default: everything is allowed).
 * moto evaluates Allow/Deny by action only: it ignores conditions, boundaries and SCPs, so this
 * models "a call was refused", never whether a policy is right.
 * @see https://docs.getmoto.org/en/latest/docs/iam.html
 */
export async function setIamAuthorization(on: boolean): Promise<void> {
  await motoApi('reset-auth', on ? '0' : 'inf');
}

/**
 * The forms of AWS identifiers the constructs take as input, checked by form, never against
 * today's list (new Regions and partitions keep working). Private to the library.
 */
import { Token } from 'aws-cdk-lib';

/** A 12-digit account ID. */
export const ACCOUNT_ID = /^\d{12}$/;

/** A Region name by its form (`<area>-<name>-<number>`, e.g. `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`). */
export const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

/** An organizational unit ID or the root ID. */
export const OU_OR_ROOT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/** Throws `fail(...)` on the first value of `values` that is a token, not of `form`, or listed twice. */
export function checkList(fail: (m: string) => Error, prop: string, values: string[], form: RegExp, use: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (Token.isUnresolved(v)) {
      throw fail(`${prop}[${i}]: a token was given, so its form cannot be checked. Give ${use}.`);
    }
    if (!form.test(v)) throw fail(`${prop}[${i}]: '${v}' is not valid. Give ${use}.`);
    if (seen.has(v)) throw fail(`${prop}[${i}]: '${v}' is listed twice. List each once.`);
    seen.add(v);
  });
}

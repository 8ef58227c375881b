/**
 * Proves the vault access policy and the key policy by evaluation (DESIGN "What verified
 * means"): the synthesized template is resolved to concrete ARNs and every request is
 * evaluated by the project's harness (iam-simulate), as AWS would evaluate identity policy
 * + resource policy in one account.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity } from '../../src';
import { GuardrailBackup, GuardrailBackupProps } from '../../src/backup';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, PolicyDoc, Principal, REGION, resolveTemplate, simulate } from '../harness';

const VAULT_NAME = 'guarded-vault';
const VAULT_ARN = `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${VAULT_NAME}`;
const RECOVERY_POINT_ARN = `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:0b3a1c5e-6a4f-4c1e-9a55-7f2bd3f1e0aa`;
// EBS/RDS recovery points have their service's ARN (snapshot); the policy's Resource is '*', and the
// evaluator's data models only the backup recovery-point ARN, so that is what is evaluated here.

/** Requests that destroy recovery points or loosen the vault's protection. */
const DESTROY: Array<[string, string]> = [
  ['backup:DeleteRecoveryPoint', RECOVERY_POINT_ARN],
  ['backup:UpdateRecoveryPointLifecycle', RECOVERY_POINT_ARN],
  ['backup:DisassociateRecoveryPoint', RECOVERY_POINT_ARN],
  ['backup:DeleteBackupVault', VAULT_ARN],
  ['backup:DeleteBackupVaultAccessPolicy', VAULT_ARN],
  ['backup:DeleteBackupVaultLockConfiguration', VAULT_ARN],
];

/** Requests that rewrite the policy or the lock (CloudFormation needs them). */
const CONFIGURE: Array<[string, string]> = [
  ['backup:PutBackupVaultAccessPolicy', VAULT_ARN],
  ['backup:PutBackupVaultLockConfiguration', VAULT_ARN],
];

/** Ordinary work that the policy must leave alone. */
const ORDINARY: Array<[string, string]> = [
  ['backup:DescribeBackupVault', VAULT_ARN],
  ['backup:ListRecoveryPointsByBackupVault', VAULT_ARN],
  ['backup:DescribeRecoveryPoint', RECOVERY_POINT_ARN],
  ['backup:StartBackupJob', VAULT_ARN],
  ['backup:StartRestoreJob', RECOVERY_POINT_ARN],
];

const agentTags = { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE };
const PRINCIPALS: Record<string, Principal> = {
  agent: { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: agentTags },
  agentByPathOnly: { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}untagged-agent` },
  agentByTagOnly: { arn: `arn:aws:iam::${ACCOUNT}:role/ci-bot`, tags: agentTags },
  admin: { arn: `arn:aws:iam::${ACCOUNT}:role/Admin` },
  ssoAdmin: { arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PowerUser_0123456789abcdef` },
  deployer: { arn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}` },
  breakGlass: { arn: `arn:aws:iam::${ACCOUNT}:role/BreakGlass` },
  root: { arn: `arn:aws:iam::${ACCOUNT}:root` },
};

interface Policies {
  readonly vaultPolicy: PolicyDoc;
  readonly keyPolicy: PolicyDoc;
  readonly keyArn: string;
}

function policiesFor(extra: (stack: Stack) => GuardrailBackupProps): Policies {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  new GuardrailBackup(stack, 'Backup', { backupVaultName: VAULT_NAME, ...extra(stack) });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON(), { account: ACCOUNT, region: REGION });
  const [vault] = Object.values<any>(resolved.Resources).filter(r => r.Type === 'AWS::Backup::BackupVault');
  const [keyId, key] = Object.entries<any>(resolved.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key')!;
  expect(JSON.stringify(vault.Properties.AccessPolicy)).not.toMatch(/Fn::|"Ref"/);
  return {
    vaultPolicy: vault.Properties.AccessPolicy,
    keyPolicy: key.Properties.KeyPolicy,
    keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId.toLowerCase()}`,
  };
}

async function decide(resourcePolicy: PolicyDoc, principal: Principal, action: string, resource: string): Promise<Decision> {
  // Worst case: every principal has AdministratorAccess (Allow *:*) in its identity policy.
  return simulate({ identity: [ADMINISTRATOR_ACCESS], resourcePolicy }, { action, resource, principal });
}

describe('vault access policy, evaluated (break-glass role + SSO admin pattern as admins)', () => {
  let p: Policies;
  beforeAll(() => {
    p = policiesFor(stack => ({
      adminPrincipals: [new iam.Role(stack, 'BreakGlass', { roleName: 'BreakGlass', assumedBy: new iam.AccountRootPrincipal() })],
    }));
  });

  const denied = ['agent', 'agentByPathOnly', 'agentByTagOnly', 'admin', 'ssoAdmin', 'deployer', 'root'];
  test.each(denied.flatMap(who => DESTROY.map(([action, resource]) => [who, action, resource])))(
    '%s with Allow *:* cannot %s on %s', async (who, action, resource) => {
      expect(await decide(p.vaultPolicy, PRINCIPALS[who], action, resource)).toBe('ExplicitlyDenied');
    });

  test.each(DESTROY.concat(CONFIGURE))('break-glass can %s on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.breakGlass, action, resource)).toBe('Allowed');
  });

  test.each(CONFIGURE)('the CDK deployment role can %s (CloudFormation updates) on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.deployer, action, resource)).toBe('Allowed');
  });

  test.each(['agent', 'agentByPathOnly', 'agentByTagOnly', 'admin', 'ssoAdmin'].flatMap(who => CONFIGURE.map(([a, r]) => [who, a, r])))(
    '%s cannot %s on %s', async (who, action, resource) => {
      expect(await decide(p.vaultPolicy, PRINCIPALS[who], action, resource)).toBe('ExplicitlyDenied');
    });

  test.each(['agent', 'admin'].flatMap(who => ORDINARY.map(([a, r]) => [who, a, r])))(
    '%s can still %s on %s', async (who, action, resource) => {
      expect(await decide(p.vaultPolicy, PRINCIPALS[who], action, resource)).toBe('Allowed');
    });

  test('key policy: only break-glass can schedule deletion of or disable the vault key', async () => {
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
      for (const who of ['agent', 'admin', 'deployer', 'root']) {
        expect([who, action, await decide(p.keyPolicy, PRINCIPALS[who], action, p.keyArn)]).toEqual([who, action, 'ExplicitlyDenied']);
      }
      expect(await decide(p.keyPolicy, PRINCIPALS.breakGlass, action, p.keyArn)).toBe('Allowed');
    }
    // Ordinary key use is untouched.
    expect(await decide(p.keyPolicy, PRINCIPALS.admin, 'kms:Decrypt', p.keyArn)).toBe('Allowed');
  });
});

describe('vault access policy, evaluated (defaults: root user is the only admin)', () => {
  let p: Policies;
  beforeAll(() => {
    p = policiesFor(() => ({}));
  });

  test.each(DESTROY)('the root user can %s on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.root, action, resource)).toBe('Allowed');
  });

  test.each(['agent', 'admin', 'breakGlass'].flatMap(who => DESTROY.map(([a, r]) => [who, a, r])))(
    '%s cannot %s on %s', async (who, action, resource) => {
      expect(await decide(p.vaultPolicy, PRINCIPALS[who], action, resource)).toBe('ExplicitlyDenied');
    });
});

describe('vault access policy, evaluated (admin patterns)', () => {
  let p: Policies;
  beforeAll(() => {
    p = policiesFor(() => ({
      adminPrincipalArnPatterns: [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PowerUser_*`],
    }));
  });

  test.each(DESTROY)('an SSO admin matching the pattern can %s on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.ssoAdmin, action, resource)).toBe('Allowed');
  });

  test.each(DESTROY)('an ordinary admin still cannot %s on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.admin, action, resource)).toBe('ExplicitlyDenied');
  });
});

describe('vault access policy, evaluated (an agent role listed as admin by mistake)', () => {
  let p: Policies;
  beforeAll(() => {
    p = policiesFor(stack => ({
      adminPrincipals: [new iam.Role(stack, 'Agent', {
        roleName: 'coding-agent',
        path: AgentIdentity.AGENT_ROLE_PATH,
        assumedBy: new iam.AccountRootPrincipal(),
      })],
    }));
  });

  test.each(DESTROY.concat(CONFIGURE))('the agent is still denied %s on %s', async (action, resource) => {
    expect(await decide(p.vaultPolicy, PRINCIPALS.agent, action, resource)).toBe('ExplicitlyDenied');
    // Untagged: only the role-path statement can deny it.
    expect(await decide(p.vaultPolicy, { arn: PRINCIPALS.agent.arn }, action, resource)).toBe('ExplicitlyDenied');
  });
});

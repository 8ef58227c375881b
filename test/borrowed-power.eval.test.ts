/**
 * Borrowed power and new identities (test/batteries/borrowed-power.ts), evaluated with
 * iam-simulate against:
 * - AgentRole (developer access, the defaults);
 * - AgentRole with AdministratorAccess attached as well;
 * - AgentScp alone, over an agent with AdministratorAccess in its account.
 * Every request on a production resource must be refused; the same request on what the agent
 * owns (a resource of a stack it deployed through the guarded execution role) must stay allowed.
 * Chains are evaluated hop by hop, each hop as the principal the previous one reached, with the
 * trust policy of an assumed role.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, CDK_EXEC_ROLE, CHAINS, GUARDED_EXEC_ROLE, Hop, PROD_ADMIN_ROLE, REQUESTS } from './batteries/borrowed-power';
import { ADMINISTRATOR_ACCESS, Decision, orgPolicies, PolicyDoc, PolicySet, Principal, resolveTemplate, rolePolicies, simulate } from './harness';
import { AgentIdentity, AgentRole, AgentScp } from '../src';

jest.setTimeout(240_000);
process.env.CDK_VALIDATION = 'false';

const SOURCE_IDENTITY = 'guardrails-agent.claude-code';
const AGENT_ARN = `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`;
const AGENT: Principal = { arn: AGENT_ARN, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
/** Every session of an agent carries its source identity (kept by AWS across role chaining). */
const AGENT_CONTEXT = { 'aws:SourceIdentity': SOURCE_IDENTITY };

function agentRoleSet(): PolicySet {
  const stack = new Stack(new App(), 'Workload', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent' });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  const id = Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::IAM::Role')!;
  return rolePolicies(resolved, id);
}

function scps(): PolicyDoc[] {
  const stack = new Stack(new App(), 'Org');
  new AgentScp(stack, 'Scp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'] });
  return orgPolicies(resolveTemplate(Template.fromStack(stack).toJSON()), 'SERVICE_CONTROL_POLICY');
}

const ROLE = agentRoleSet();
const SCPS = scps();
const SETS: Record<string, PolicySet> = {
  'AgentRole': ROLE,
  'AgentRole + AdministratorAccess': { ...ROLE, identity: [...ROLE.identity, ADMINISTRATOR_ACCESS] },
  'AgentScp alone (AdministratorAccess)': { identity: [ADMINISTRATOR_ACCESS], scps: SCPS },
};
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[borrowed power]', ...figures].join('\n  '));
});

describe.each(Object.keys(SETS))('%s', (name) => {
  const set = SETS[name];

  test(`every request on a production resource is refused (${REQUESTS.length} requests)`, async () => {
    const open: string[] = [];
    for (const r of REQUESTS) {
      const d = await simulate(set, {
        action: r.action, resource: r.resource, principal: AGENT, resourceTags: r.resourceTags, context: { ...AGENT_CONTEXT, ...r.context },
      });
      expect(d.startsWith('Error')).toBe(false);
      if (d === 'Allowed') open.push(`${r.id} (${r.action})`);
    }
    figures.push(`${name}: ${open.length} of ${REQUESTS.length} requests open${open.length ? `: ${open.join(', ')}` : ''}`);
    expect(open).toEqual([]);
  });

  test('the same requests on what the agent owns stay allowed', async () => {
    const refused: string[] = [];
    const owned = REQUESTS.filter(r => r.owned);
    for (const r of owned) {
      const d = await simulate(set, {
        action: r.action,
        resource: r.owned!.resource ?? r.resource,
        principal: AGENT,
        resourceTags: r.owned!.resourceTags,
        context: { ...AGENT_CONTEXT, ...r.owned!.context },
      });
      if (d !== 'Allowed') refused.push(`${r.id}: ${d}`);
    }
    figures.push(`${name}: ${owned.length - refused.length} of ${owned.length} owned counterparts allowed`);
    expect(refused).toEqual([]);
  });
});

/** The policies of the principal a hop acts as. */
function hopSet(base: PolicySet, scpOnly: boolean, as: string): { set: PolicySet; principal: Principal } {
  if (as === 'agent') return { set: base, principal: AGENT };
  // Roles reached by a hop: the CDK cfn-exec role and an account admin role have AdministratorAccess;
  // the guarded execution role is an agent role (AgentRole's policies, its own ARN).
  if (as === GUARDED_EXEC_ROLE) {
    return { set: scpOnly ? { identity: [ADMINISTRATOR_ACCESS], scps: SCPS } : ROLE, principal: { arn: as, tags: AGENT.tags } };
  }
  return { set: { identity: [ADMINISTRATOR_ACCESS], scps: scpOnly ? SCPS : undefined }, principal: { arn: as } };
}

/** Trust policy of a role a hop assumes: trusts the account. */
const TRUSTS_ACCOUNT: PolicyDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] }] };

test.each(Object.keys(SETS))('%s: every chain is cut at some hop', async (name) => {
  const scpOnly = name.startsWith('AgentScp');
  const open: string[] = [];
  for (const chain of CHAINS) {
    const decisions: Decision[] = [];
    for (const hop of chain.hops as Hop[]) {
      const { set, principal } = hopSet(SETS[name], scpOnly, hop.as);
      const withTrust = hop.action === 'sts:AssumeRole' ? { ...set, resourcePolicy: TRUSTS_ACCOUNT } : set;
      decisions.push(await simulate(withTrust, {
        action: hop.action, resource: hop.resource, principal, resourceTags: hop.resourceTags, context: { ...AGENT_CONTEXT, ...hop.context },
      }));
    }
    if (decisions.every(d => d === 'Allowed')) open.push(chain.id);
  }
  figures.push(`${name}: ${open.length} of ${CHAINS.length} chains open${open.length ? `: ${open.join(', ')}` : ''}`);
  expect(open).toEqual([]);
});

test('a chained session that keeps the agent\'s source identity is still denied the catalog by the SCP', async () => {
  const chained: Principal = { arn: PROD_ADMIN_ROLE };
  const set = { identity: [ADMINISTRATOR_ACCESS], scps: SCPS };
  expect(await simulate(set, { action: 'rds:DeleteDBInstance', principal: chained, context: AGENT_CONTEXT })).toBe('ExplicitlyDenied');
  // Must stay allowed: the same role without an agent's source identity (a person), and the agent's reads.
  expect(await simulate(set, { action: 'rds:DeleteDBInstance', principal: chained })).toBe('Allowed');
  expect(await simulate(set, { action: 'rds:DescribeDBInstances', principal: chained, context: AGENT_CONTEXT })).toBe('Allowed');
  void CDK_EXEC_ROLE;
});

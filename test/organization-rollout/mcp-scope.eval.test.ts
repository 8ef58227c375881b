/**
 * The MCP scope (AgentMcpScp), evaluated with iam-simulate over AdministratorAccess:
 *
 * - a human's Identity Center session calling through the AWS MCP server
 *   (`aws:ViaAWSMCPService` = true) is denied every request of the SCP deny plan, and allowed
 *   every one without the key (a shell or a local MCP server: the agent denies are what hold then);
 * - break-glass is allowed either way;
 * - reads and creates through the MCP server stay allowed;
 * - with named servers, a call from a named server is denied and one from another server is not.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentMcpScp, DenyGroup, DenyPlan } from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, orgPolicies, PolicySet, Principal, resolveTemplate, simulateMany, SimRequest } from '../harness';
import { requestShape, resourceFor } from '../harness/condition-requests';

jest.setTimeout(900_000);
process.env.CDK_VALIDATION = 'false';

const HUMAN: Principal = { arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developer_0123456789abcdef`, sessionName: 'alice@example.com' };
const BREAK_GLASS: Principal = { arn: `arn:aws:iam::${ACCOUNT}:role/BreakGlass`, sessionName: 'incident-42' };
const VIA_MCP = { 'aws:ViaAWSMCPService': 'true', 'aws:CalledViaAWSMCP': 'aws-mcp.amazonaws.com' };
const VIA_EKS_MCP = { 'aws:ViaAWSMCPService': 'true', 'aws:CalledViaAWSMCP': 'eks-mcp.amazonaws.com' };
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[MCP scope]', ...figures].join('\n  '));
});

function mcpScope(props: { mcpServerPrincipals?: string[] } = {}): { scope: AgentMcpScp; set: PolicySet } {
  const stack = new Stack(new App(), 'Org');
  const scope = new AgentMcpScp(stack, 'Mcp', { targetIds: ['r-ab12'], breakGlassPrincipalArnPatterns: ['arn:aws:iam::*:role/BreakGlass'], ...props });
  const scps = orgPolicies(resolveTemplate(Template.fromStack(stack).toJSON()), 'SERVICE_CONTROL_POLICY');
  return { scope, set: { identity: [ADMINISTRATOR_ACCESS], scps } };
}

/** A request that satisfies a plan group's own conditions, on a resource the group covers. */
function requestFor(g: DenyGroup, action: string, principal: Principal, context: Record<string, string>): SimRequest {
  const shape = requestShape(g.conditions, `group ${g.name}`);
  const r = g.resources[0];
  const resource = r && r !== '*' ? resourceFor(r) : undefined;
  return { action, principal, ...shape, context: { ...context, ...(shape.context ?? {}) }, resource };
}

/** Every request of the plan for a principal and context: how many were denied, allowed, errors. */
async function sweep(
  plan: DenyPlan, set: PolicySet, principal: Principal, context: Record<string, string>, label: string, sample = false,
): Promise<{ denied: number; allowed: number; total: number; elsewhere: number }> {
  // `sample`: the first actions of each group only (every statement carries the same scope
  // condition, so the whole-plan sweeps above and below decide the condition; these check its variants).
  const reqs: SimRequest[] = [];
  for (const g of plan.groups) for (const a of sample ? g.actions.slice(0, 5) : g.actions) reqs.push(requestFor(g, a, principal, context));
  const decisions: Decision[] = await simulateMany(set, reqs);
  const errors = decisions.filter(d => d.startsWith('Error'));
  const denied = decisions.filter(d => d === 'ExplicitlyDenied').length;
  const allowed = decisions.filter(d => d === 'Allowed').length;
  figures.push(`${label}: ${reqs.length} requests (${plan.actions().length} actions, ${plan.groups.length} groups): ${denied} explicitly denied, ${allowed} allowed, ${errors.length} errors`);
  expect(errors).toEqual([]);
  // A request on a resource of another account (expose.s3.write-outside-organization) needs that
  // resource's policy too: without one it is implicitly denied, whatever the SCPs say.
  const elsewhere = reqs.filter((q, i) => q.resourceAccount !== undefined && q.resourceAccount !== ACCOUNT && decisions[i] === 'ImplicitlyDenied').length;
  return { denied, allowed, total: reqs.length, elsewhere };
}

const READS_AND_CREATES = [
  'ec2:DescribeInstances', 's3:GetObject', 's3:ListBucket', 'rds:DescribeDBInstances', 'dynamodb:GetItem', 'logs:GetLogEvents',
  'cloudformation:DescribeStacks', 'lambda:GetFunction', 'iam:GetRole', 'ec2:RunInstances', 's3:CreateBucket', 's3:PutObject',
  'dynamodb:PutItem', 'ec2:StopInstances',
];

describe('AgentMcpScp, every AWS managed MCP server (aws:ViaAWSMCPService)', () => {
  const { scope, set } = mcpScope();

  test('a human session through the MCP server is denied the whole plan', async () => {
    figures.push(`${scope.policies.length} SCPs (${scope.documentSizes.join(', ')} characters) + FullAWSAccess`);
    const r = await sweep(scope.denyPlan, set, HUMAN, VIA_MCP, 'human via the AWS MCP server');
    expect(r.denied).toBe(r.total);
  });

  test('the same human without the key (a shell, an SDK, a local MCP server) is allowed the whole plan: the scope is not the agent denies', async () => {
    const r = await sweep(scope.denyPlan, set, HUMAN, {}, 'human, no MCP key');
    expect(r.denied).toBe(0);
    expect(r.allowed).toBe(r.total - r.elsewhere);
  });

  test('the key set to false is not a call through the MCP server (5 actions of each group)', async () => {
    const r = await sweep(scope.denyPlan, set, HUMAN, { 'aws:ViaAWSMCPService': 'false' }, 'human, aws:ViaAWSMCPService=false (sample)', true);
    expect(r.denied).toBe(0);
    expect(r.allowed).toBe(r.total - r.elsewhere);
  });

  test('break-glass is allowed, through the MCP server and without it (5 actions of each group)', async () => {
    const via = await sweep(scope.denyPlan, set, BREAK_GLASS, VIA_MCP, 'break-glass via the AWS MCP server (sample)', true);
    const direct = await sweep(scope.denyPlan, set, BREAK_GLASS, {}, 'break-glass, no MCP key (sample)', true);
    expect(via.denied).toBe(0);
    expect(via.allowed).toBe(via.total - via.elsewhere);
    expect(direct.denied).toBe(0);
    expect(direct.allowed).toBe(direct.total - direct.elsewhere);
  });

  test('reads and creates through the MCP server stay allowed', async () => {
    const decisions = await simulateMany(set, READS_AND_CREATES.map(action => ({ action, principal: HUMAN, context: VIA_MCP })));
    const refused = READS_AND_CREATES.filter((_, i) => decisions[i] !== 'Allowed');
    figures.push(`reads, creates and stop via the MCP server: ${READS_AND_CREATES.length - refused.length} of ${READS_AND_CREATES.length} allowed`);
    expect(refused).toEqual([]);
  });
});

describe('AgentMcpScp, named servers (aws:CalledViaAWSMCP)', () => {
  const { scope, set } = mcpScope({ mcpServerPrincipals: [AgentMcpScp.AWS_MCP_SERVER_PRINCIPAL] });

  test('a call through the named server is denied the whole plan; one through another MCP server is not (5 actions of each group)', async () => {
    const named = await sweep(scope.denyPlan, set, HUMAN, VIA_MCP, 'human via aws-mcp (named)');
    const other = await sweep(scope.denyPlan, set, HUMAN, VIA_EKS_MCP, 'human via eks-mcp (not named, sample)', true);
    expect(named.denied).toBe(named.total);
    expect(other.denied).toBe(0);
    expect(other.allowed).toBe(other.total - other.elsewhere);
  });
});

import { Stack } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { findingsOf, newApp, newStack, openOn } from './apps';
import { AgentGuardrailsChecks, FindingStatus } from '../../src/checks';
import { AgentRcp, AgentScp } from '../../src/organizations';
import { PolicyBudget } from '../../src/policy';

/** A policy document of exactly `size` characters of minified JSON. */
function doc(size: number): object {
  const base = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*', Sid: '' }] };
  const pad = size - JSON.stringify(base).length;
  base.Statement[0].Sid = 'X'.repeat(pad);
  expect(JSON.stringify(base)).toHaveLength(size);
  return base;
}

function policy(stack: Stack, id: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', size: number, targetIds = ['ou-ab12-cd34ef56']) {
  return new organizations.CfnPolicy(stack, id, { name: id, type, content: doc(size), targetIds });
}

describe('AG-ORG1 organization policy over its size limit', () => {
  test('L1: an SCP of 10,241 characters fails, 10,240 passes', () => {
    const app = newApp();
    const stack = newStack(app);
    policy(stack, 'Big', 'SERVICE_CONTROL_POLICY', 10_241);
    policy(stack, 'Fits', 'SERVICE_CONTROL_POLICY', 10_240, ['ou-other']);
    const f = findingsOf(app, 'AG-ORG1');
    expect(f.map(x => x.logicalId)).toEqual(['Big']);
    expect(f[0].message).toBe('SCP Big is 10241 characters, over the SCP budget of 10240.');
  });

  test('L1: an RCP over 5,120 fails; a string content is measured as written', () => {
    const app = newApp();
    const stack = newStack(app);
    policy(stack, 'Big', 'RESOURCE_CONTROL_POLICY', 5_121);
    // CloudFormation also accepts the content as a JSON string: its whitespace counts.
    const spaced = policy(stack, 'Spaced', 'RESOURCE_CONTROL_POLICY', 5_050, ['ou-x']);
    spaced.addPropertyOverride('Content', JSON.stringify(doc(5_050), undefined, 4));
    expect(JSON.stringify(doc(5_050), undefined, 4).length).toBeGreaterThan(5_120);
    policy(stack, 'Compact', 'RESOURCE_CONTROL_POLICY', 5_000, ['ou-y']).addPropertyOverride('Content', JSON.stringify(doc(5_000)));
    expect(openOn(app, 'AG-ORG1').sort()).toEqual(['Big', 'Spaced']);
  });

  test('scpBudget: PolicyBudget.SCP_LEGACY applies the former 5,120 limit', () => {
    const app = newApp();
    policy(newStack(app), 'Mid', 'SERVICE_CONTROL_POLICY', 6_000);
    expect(openOn(app, 'AG-ORG1')).toEqual([]);
    const f = new AgentGuardrailsChecks({ scpBudget: PolicyBudget.SCP_LEGACY }).findings(app).filter(x => x.ruleId === 'AG-ORG1');
    expect(f.map(x => x.message)).toEqual(['SCP Mid is 6000 characters, over the SCP (legacy 5,120) budget of 5120.']);
  });

  test('AgentScp and AgentRcp pass', () => {
    const app = newApp();
    const stack = newStack(app);
    new AgentScp(stack, 'Scp', { targetIds: ['ou-ab12-cd34ef56'] });
    new AgentRcp(stack, 'Rcp', { targetIds: ['ou-ab12-cd34ef56'] });
    expect(findingsOf(app).filter(f => f.layer === 'ORGANIZATIONS')).toEqual([]);
  });
});

describe('AG-ORG2 too many organization policies on one target', () => {
  test('L1: 9 SCPs on one target pass (FullAWSAccess makes 10); 10 fail', () => {
    const app = newApp();
    const stack = newStack(app);
    for (let i = 0; i < 9; i++) policy(stack, `Scp${i}`, 'SERVICE_CONTROL_POLICY', 200);
    expect(openOn(app, 'AG-ORG2')).toEqual([]);

    const app2 = newApp();
    const stack2 = newStack(app2);
    for (let i = 0; i < 10; i++) policy(stack2, `Scp${i}`, 'SERVICE_CONTROL_POLICY', 200);
    const [f] = findingsOf(app2, 'AG-ORG2');
    expect(f.message).toMatch(/^Target ou-ab12-cd34ef56 gets 10 SCPs from this app \(Scp0, .*Scp9\) plus the AWS-managed FullAWSAccess: 11, over the limit of 10\.$/);
  });

  test('L1: 5 RCPs on one target fail (RCPFullAWSAccess makes 6); counts are per target', () => {
    const app = newApp();
    const stack = newStack(app);
    for (let i = 0; i < 5; i++) policy(stack, `Rcp${i}`, 'RESOURCE_CONTROL_POLICY', 200, i < 4 ? ['ou-a', 'ou-b'] : ['ou-a']);
    const f = findingsOf(app, 'AG-ORG2');
    expect(f.map(x => x.message)).toEqual([expect.stringMatching(/^Target ou-a gets 5 RCPs .* 6, over the limit of 5\.$/)]);
    expect(f[0].status).toBe(FindingStatus.OPEN);
  });
});

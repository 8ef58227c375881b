import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AgentAccess, AgentRole } from '../../src/agent-role';

function findings(access?: AgentAccess): string[] {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal('111111111111'), access });
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.map((v: any) => `${v.ruleName}`).sort();
}

describe('cdk-nag AwsSolutions on AgentRole', () => {
  test('developer access: the only findings are the intended wildcards (IAM5)', () => {
    const f = findings();
    // An agent role is broad by design: its allow is "everything but administration", its
    // denies are packed catalog patterns (svc:Verb*). IAM5 (wildcards) is expected; every
    // other AwsSolutions rule passes. The user decides whether to acknowledge IAM5 in their app.
    expect(f.filter(r => !/-IAM5(\[|$)/.test(r))).toEqual([]);
    expect(f.length).toBeGreaterThan(0);
  });

  test('read-only access: the AWS managed ReadOnlyAccess policy is the IAM4 finding, nothing else besides wildcards', () => {
    const f = findings(AgentAccess.readOnly());
    const readOnly = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]';
    expect(f).toContain(readOnly);
    expect(f.filter(r => !/-IAM5(\[|$)/.test(r) && r !== readOnly)).toEqual([]);
  });
});

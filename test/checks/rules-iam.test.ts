import { Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { findingsOf, newApp, newStack, openOn } from './apps';
import { AgentRole } from '../../src/agent-role';
import { FindingStatus } from '../../src/checks';

const DENY_DESTROY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: ['ec2:*', 's3:*', 'rds:*'], Resource: '*' },
  ],
};

function l1AgentRole(stack: Stack, id: string, props: Partial<iam.CfnRoleProps> = {}): iam.CfnRole {
  return new iam.CfnRole(stack, id, {
    path: '/guardrails-agent/',
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] },
    ...props,
  });
}

function boundary(stack: Stack, doc: any = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:Get*'], Resource: '*' }] }): iam.CfnManagedPolicy {
  return new iam.CfnManagedPolicy(stack, 'Boundary', { policyDocument: doc });
}

describe('AG-IAM1 agent role without a permissions boundary', () => {
  test('L1: a role on the agent path without a boundary fails', () => {
    const app = newApp();
    l1AgentRole(newStack(app), 'Agent');
    expect(openOn(app, 'AG-IAM1')).toEqual(['Agent']);
  });

  test('L1: a role on the agent path with a boundary passes', () => {
    const app = newApp();
    const stack = newStack(app);
    l1AgentRole(stack, 'Agent', { permissionsBoundary: boundary(stack).ref });
    expect(openOn(app, 'AG-IAM1')).toEqual([]);
  });

  test('L2: a role tagged guardrails:agent=true without a boundary fails; with one it passes', () => {
    const app = newApp();
    const stack = newStack(app);
    const bad = new iam.Role(stack, 'Bad', { assumedBy: new iam.AccountRootPrincipal() });
    Tags.of(bad).add('guardrails:agent', 'true');
    const good = new iam.Role(stack, 'Good', {
      assumedBy: new iam.AccountRootPrincipal(),
      permissionsBoundary: new iam.ManagedPolicy(stack, 'Cap', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }),
    });
    Tags.of(good).add('guardrails:agent', 'true');
    new iam.Role(stack, 'NotAnAgent', { assumedBy: new iam.AccountRootPrincipal() });
    expect(openOn(app, 'AG-IAM1')).toEqual([expect.stringMatching(/^Bad/)]);
  });

  test('L2: a role the agent role can assume counts as an agent role (role chaining)', () => {
    const app = newApp();
    const stack = newStack(app);
    const agent = new iam.Role(stack, 'Agent', {
      assumedBy: new iam.AccountRootPrincipal(),
      path: '/guardrails-agent/',
      permissionsBoundary: new iam.ManagedPolicy(stack, 'Cap', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }),
    });
    new iam.Role(stack, 'Deployer', { assumedBy: new iam.ArnPrincipal(agent.roleArn) });
    const f = findingsOf(app, 'AG-IAM1');
    expect(f.map(x => x.logicalId)).toEqual([expect.stringMatching(/^Deployer/)]);
    expect(f[0].message).toMatch(/trusted by the agent role Agent/);
  });

  test('AgentRole passes', () => {
    const app = newApp();
    new AgentRole(newStack(app), 'Agent', { assumedBy: new iam.AccountRootPrincipal() });
    expect(openOn(app, 'AG-IAM1')).toEqual([]);
    expect(openOn(app, 'AG-IAM2')).toEqual([]);
  });

  test('cannot be acknowledged: the acknowledgement is refused and listed', () => {
    const app = newApp();
    const stack = newStack(app);
    l1AgentRole(stack, 'Agent');
    Validations.of(stack).acknowledge({ id: 'AgentGuardrails::AG-IAM1', reason: 'The agent says this role is fine as it is, trust me' });
    const [f] = findingsOf(app, 'AG-IAM1');
    expect(f.status).toBe(FindingStatus.ACKNOWLEDGEMENT_REFUSED);
    expect(f.refusal).toMatch(/cannot be acknowledged/);
    expect(f.acknowledgedAt).toBe('Stack');
  });
});

describe('AG-IAM2 agent role allowed destructive actions', () => {
  test('L2: AdministratorAccess on an agent role fails and names scenario actions', () => {
    const app = newApp();
    const stack = newStack(app);
    const role = new iam.Role(stack, 'Agent', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    Tags.of(role).add('guardrails:agent', 'true');
    const [f] = findingsOf(app, 'AG-IAM2');
    expect(f.message).toMatch(/allows \d{4} actions of the deny plan/);
    expect(f.message).toMatch(/ec2:TerminateInstances, rds:DeleteDBInstance, s3:DeleteBucket/);
  });

  test('L1: an unconditional Deny with Resource * removes what it names; the rest stays allowed', () => {
    const app = newApp();
    const stack = newStack(app);
    l1AgentRole(stack, 'Agent', {
      permissionsBoundary: boundary(stack, DENY_DESTROY).ref,
      policies: [{ policyName: 'p', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['ec2:TerminateInstances', 's3:DeleteBucket'], Resource: '*' }] } }],
    });
    expect(openOn(app, 'AG-IAM2')).toEqual([]);

    const app2 = newApp();
    const stack2 = newStack(app2);
    l1AgentRole(stack2, 'Agent', {
      permissionsBoundary: boundary(stack2, DENY_DESTROY).ref,
      policies: [{ policyName: 'p', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['dynamodb:DeleteTable'], Resource: '*' }] } }],
    });
    expect(findingsOf(app2, 'AG-IAM2')[0].message).toMatch(/allows 1 actions of the deny plan .*dynamodb:DeleteTable/);
  });

  test('L1: the boundary caps what identity policies allow', () => {
    const app = newApp();
    const stack = newStack(app);
    l1AgentRole(stack, 'Agent', {
      permissionsBoundary: boundary(stack).ref,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    });
    expect(openOn(app, 'AG-IAM2')).toEqual([]);
  });

  test('a Deny with a condition other than the ephemeral tag does not count', () => {
    const app = newApp();
    const stack = newStack(app);
    const conditionalDeny = {
      Statement: [
        { Effect: 'Allow', Action: 's3:DeleteBucket', Resource: '*' },
        { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
      ],
    };
    l1AgentRole(stack, 'Agent', { policies: [{ policyName: 'p', policyDocument: conditionalDeny }] });
    expect(findingsOf(app, 'AG-IAM2')[0].message).toMatch(/s3:DeleteBucket/);

    const app2 = newApp();
    const stack2 = newStack(app2);
    const ephemeralDeny = {
      Statement: [
        { Effect: 'Allow', Action: 's3:DeleteBucket', Resource: '*' },
        { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceTag/guardrails:ephemeral': 'true' } } },
      ],
    };
    l1AgentRole(stack2, 'Agent', { policies: [{ policyName: 'p', policyDocument: ephemeralDeny }] });
    expect(openOn(app2, 'AG-IAM2')).toEqual([]);
  });

  test('a Deny scoped to one resource does not count; NotAction allows are expanded', () => {
    const app = newApp();
    const stack = newStack(app);
    l1AgentRole(stack, 'Agent', {
      policies: [{
        policyName: 'p',
        policyDocument: {
          Statement: [
            { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
            { Effect: 'Deny', Action: 'rds:DeleteDBInstance', Resource: 'arn:aws:rds:us-east-1:123456789012:db:one' },
          ],
        },
      }],
    });
    const [f] = findingsOf(app, 'AG-IAM2');
    expect(f.message).toMatch(/rds:DeleteDBInstance/);
    expect(f.message).not.toMatch(/iam:PutRolePolicy/);
  });

  test('policies whose content is unknown count as unsafe', () => {
    const app = newApp();
    const stack = newStack(app);
    const role = new iam.Role(stack, 'Agent', {
      assumedBy: new iam.AccountRootPrincipal(),
      path: '/guardrails-agent/',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2FullAccess')],
    });
    role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Imported', 'arn:aws:iam::123456789012:policy/elsewhere'));
    const [f] = findingsOf(app, 'AG-IAM2');
    expect(f.message).toMatch(/cannot read, counted as unsafe: .*AmazonEC2FullAccess: its content is not known offline/);
    expect(f.message).toMatch(/policy\/elsewhere: it is defined outside this template/);
  });

  test('L2: policies attached with AWS::IAM::Policy and ReadOnlyAccess are evaluated', () => {
    const app = newApp();
    const stack = newStack(app);
    new iam.Role(stack, 'Agent', {
      assumedBy: new iam.AccountRootPrincipal(),
      path: '/guardrails-agent/',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    // ReadOnlyAccess grants cognito-identity:Get*, which mints tokens for a pool's developer identities
    // (a borrowed-power rule): the only plan action the generated table says it allows.
    const [f] = findingsOf(app, 'AG-IAM2');
    expect(f.message).toMatch(/allows 1 actions of the deny plan .*cognito-identity:GetOpenIdTokenForDeveloperIdentity/);
    const app3 = newApp();
    const stack3 = newStack(app3);
    const role3 = new iam.Role(stack3, 'Agent', { assumedBy: new iam.AccountRootPrincipal(), path: '/guardrails-agent/' });
    role3.addToPolicy(new iam.PolicyStatement({ actions: ['iam:AttachRolePolicy'], resources: ['*'] }));
    expect(findingsOf(app3, 'AG-IAM2')[0].message).toMatch(/allows 1 actions of the deny plan .*iam:AttachRolePolicy/);
  });

  describe('guarded deploys', () => {
    const EXEC = 'cdk-agent-cfn-exec-role-123456789012-us-east-1';
    const passTo = (resource: string, service?: string) => ({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: resource,
      ...(service ? { Condition: { StringEquals: { 'iam:PassedToService': service } } } : {}),
    });
    const withPolicy = (statement: any, roleName = 'cdk-agent-deploy-role-123456789012-us-east-1') => {
      const app = newApp();
      const stack = newStack(app);
      l1AgentRole(stack, 'Deploy', {
        roleName,
        permissionsBoundary: boundary(stack, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }).ref,
        policies: [{ policyName: 'p', policyDocument: { Statement: [statement] } }],
      });
      return app;
    };

    test('handing the guarded execution role to CloudFormation is not counted; any other PassRole is', () => {
      expect(openOn(withPolicy(passTo(`arn:aws:iam::123456789012:role/guardrails-agent/${EXEC}`, 'cloudformation.amazonaws.com')), 'AG-IAM2')).toEqual([]);
      // To another service, to any service, or another role: the agent could borrow that role's power.
      for (const st of [
        passTo(`arn:aws:iam::123456789012:role/guardrails-agent/${EXEC}`, 'lambda.amazonaws.com'),
        passTo(`arn:aws:iam::123456789012:role/guardrails-agent/${EXEC}`),
        passTo('arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1', 'cloudformation.amazonaws.com'),
        passTo('*', 'cloudformation.amazonaws.com'),
      ]) {
        expect(findingsOf(withPolicy(st), 'AG-IAM2')[0].message).toMatch(/allows 1 actions of the deny plan .*iam:PassRole/);
      }
    });

    test('a role named as a guarded execution role is checked against the execution plan, and still fails without denies', () => {
      const app = withPolicy({ Effect: 'Allow', Action: '*', Resource: '*' }, EXEC);
      expect(findingsOf(app, 'AG-IAM2')[0].message).toMatch(/allows \d+ actions of the deny plan .*rds:DeleteDBInstance|allows \d+ actions/);
    });
  });
});

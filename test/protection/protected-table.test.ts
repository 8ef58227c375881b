import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AgentIdentity } from '../../src/identity';
import { ProtectedTable, ProtectedTableProps } from '../../src/protection';

const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };
const newStack = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });

describe('ProtectedTable', () => {
  test('defaults: deletion protection and PITR on every replica, Retain, tag', () => {
    const stack = newStack();
    const table = new ProtectedTable(stack, 'Orders', { partitionKey, replicas: [{ region: 'eu-west-1' }] });
    expect(table).toBeInstanceOf(dynamodb.TableV2);
    Template.fromStack(stack).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: Match.arrayWith([
          Match.objectLike({
            Region: 'eu-west-1',
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
          }),
          Match.objectLike({
            Region: 'us-east-1',
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
          }),
        ]),
      }),
    });
  });

  // Construct and path, the prop and value, then the fix.
  const refused = (choice: string) => new RegExp(`^ProtectedTable 'Stack/Orders': ${choice}\\. ProtectedTable refuses this setting: `
    + 'remove it to keep the default protection, or set allowUnprotected: true to accept the risk of losing this resource\\.$');
  test.each([
    [{ deletionProtection: false }, refused('deletionProtection: false \\(dynamodb:DeleteTable succeeds\\)')],
    [{ pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }, refused('pointInTimeRecoverySpecification\\.pointInTimeRecoveryEnabled: false \\(point-in-time recovery off: .*\\)')],
    [{ pointInTimeRecovery: false }, refused('pointInTimeRecovery: false \\(point-in-time recovery off: .*\\)')],
    [{ removalPolicy: RemovalPolicy.DESTROY }, refused('removalPolicy: destroy \\(CloudFormation deletes the table\\)')],
    [{ replicas: [{ region: 'eu-west-1', deletionProtection: false }] }, refused('replicas\\[0\\] \\(eu-west-1\\) deletionProtection: false \\(dynamodb:DeleteTable succeeds on that replica\\)')],
    [{ replicas: [{ region: 'eu-west-1', pointInTimeRecovery: false }] }, refused('replicas\\[0\\] \\(eu-west-1\\) pointInTimeRecovery: false \\(point-in-time recovery off on that replica\\)')],
  ])('refuses %p without allowUnprotected', (unsafe, message) => {
    const stack = newStack();
    expect(() => new ProtectedTable(stack, 'Orders', { partitionKey, ...unsafe } as ProtectedTableProps)).toThrow(message);
    expect(stack.node.tryFindChild('Orders')).toBeUndefined();
  });

  test('allowUnprotected keeps the choices, with warnings', () => {
    const stack = newStack();
    new ProtectedTable(stack, 'Orders', { partitionKey, allowUnprotected: true, deletionProtection: false, pointInTimeRecovery: false });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } })],
    });
    expect(Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp('^ProtectedTable is NOT fully protected'))).toHaveLength(2);
  });
});

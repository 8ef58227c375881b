import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity';
import { keepsData, UnsafeChoices, warnUnsafe } from './private/validation';
import { constructPath } from '../private/errors';

/**
 * Properties of a `ProtectedTable`: every `dynamodb.TablePropsV2` prop, with safer defaults.
 */
export interface ProtectedTableProps extends dynamodb.TablePropsV2 {
  /**
   * Accept settings that leave the table unprotected instead of refusing them.
   *
   * Without it, `deletionProtection: false` (on the table or a replica), point-in-time recovery
   * turned off, and a `removalPolicy` of DESTROY throw at synth. With it they are kept and each
   * one adds a warning annotation. Risk: the table and its recent history can be lost.
   *
   * @default false
   */
  readonly allowUnprotected?: boolean;
}

/**
 * A DynamoDB table that cannot be deleted by accident and can be restored to any second of the
 * last 35 days.
 *
 * Extends `dynamodb.TableV2` (the current DynamoDB L2, rendered as `AWS::DynamoDB::GlobalTable`)
 * and accepts its props. Deletion protection is on for the table and every replica,
 * point-in-time recovery is on (35 days), DeletionPolicy and UpdateReplacePolicy are Retain,
 * and the table is tagged `guardrails:backup=true`.
 *
 * An existing `dynamodb.Table` (`AWS::DynamoDB::Table`) cannot be swapped for a TableV2 without
 * a migration; protect it in place with `Protection.of(table).apply()` instead.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
 *
 * @example
 * new ProtectedTable(this, 'Orders', {
 *   partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
 * });
 */
export class ProtectedTable extends dynamodb.TableV2 {
  private static protectedProps(scope: Construct, id: string, props: ProtectedTableProps): dynamodb.TablePropsV2 {
    unsafeChoices(props).enforce(constructPath(scope, id), props.allowUnprotected);
    const { pointInTimeRecovery, ...rest } = props;
    const pitrOff = pointInTimeRecovery === false || props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled === false;
    return {
      ...rest,
      deletionProtection: props.deletionProtection ?? true,
      pointInTimeRecoverySpecification: props.pointInTimeRecoverySpecification ?? { pointInTimeRecoveryEnabled: !pitrOff },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
  }

  constructor(scope: Construct, id: string, props: ProtectedTableProps) {
    super(scope, id, ProtectedTable.protectedProps(scope, id, props));
    warnUnsafe(this, 'ProtectedTable', unsafeChoices(props).enforce(this.node.path, true));
    Tags.of(this).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
  }
}

function unsafeChoices(props: ProtectedTableProps): UnsafeChoices {
  const unsafe = new UnsafeChoices('ProtectedTable');
  unsafe.check(props.deletionProtection === false, 'deletionProtection: false (dynamodb:DeleteTable succeeds)');
  unsafe.check(props.pointInTimeRecovery === false, 'pointInTimeRecovery: false (point-in-time recovery off: no continuous backup to restore from)');
  unsafe.check(props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled === false,
    'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled: false (point-in-time recovery off: no continuous backup to restore from)');
  unsafe.check(!keepsData(props.removalPolicy), `removalPolicy: ${props.removalPolicy} (CloudFormation deletes the table)`);
  (props.replicas ?? []).forEach((replica, i) => {
    unsafe.check(replica.deletionProtection === false, `replicas[${i}] (${replica.region}) deletionProtection: false (dynamodb:DeleteTable succeeds on that replica)`);
    unsafe.check(replica.pointInTimeRecovery === false, `replicas[${i}] (${replica.region}) pointInTimeRecovery: false (point-in-time recovery off on that replica)`);
    unsafe.check(replica.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled === false,
      `replicas[${i}] (${replica.region}) pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled: false (point-in-time recovery off on that replica)`);
  });
  return unsafe;
}

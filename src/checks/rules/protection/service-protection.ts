import { GuardrailLayer } from '../../guardrail-finding';
import { StatefulResources } from '../../private/stateful';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

/** AG-RES2: stateful resources have the service's own deletion/termination protection on. */
export class ServiceProtectionRule extends GuardrailRule {
  public readonly id = 'AG-RES2';
  public readonly name = 'Deletion or termination protection off';
  public readonly layer = GuardrailLayer.RESOURCE_PROTECTION;
  public readonly checks = 'Stateful resources whose service has a protection setting have it on: RDS/Neptune/DocumentDB DeletionProtection, DynamoDB DeletionProtectionEnabled (every replica of a global table), EC2 DisableApiTermination, S3 versioning Enabled, CloudWatch Logs DeletionProtectionEnabled, Cognito DeletionProtection ACTIVE.';
  public readonly why = 'The service refuses the delete call itself, whoever makes it (scenario 2 and 4: terminate-instances, delete-db-instance --skip-final-snapshot); for S3, versioning keeps deleted objects recoverable (scenario 3).';
  public readonly fix = 'Apply Protection.of(scope).apply() or use the Protected* constructs; or set the L2 prop: deletionProtection (rds.DatabaseInstance, rds.DatabaseCluster, dynamodb.TableV2), disableApiTermination (ec2.Instance), versioned (s3.Bucket), deletionProtectionEnabled (logs.LogGroup); on an L1, the property named in the finding.';

  public evaluate(context: RuleContext): RuleHit[] {
    return context.stateful().flatMap(r => {
      const gap = StatefulResources.serviceProtectionGap(r);
      return gap ? [{ resource: r, message: `${r.type} ${r.logicalId}: ${gap}.` }] : [];
    });
  }
}

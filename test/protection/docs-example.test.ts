// The code in docs/protection.md ("Reference app snippet"), kept compiling and synthesizing here.
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ProtectedBucket, ProtectedDatabase, ProtectedInstance, ProtectedTable, Protection } from '../../src/protection';

// --- snippet start
/** Production data the agent may read and build around, but cannot destroy. */
class ProductionDataStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2 });
    const breakGlass = iam.Role.fromRoleName(this, 'BreakGlass', 'BreakGlassAdmin');

    // Scenario 4: delete-db-instance --skip-final-snapshot fails; backups are kept regardless.
    new ProtectedDatabase(this, 'Orders', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
    });
    // Scenario 3: s3 rm only adds delete markers; s3 rb and versioning changes are denied.
    new ProtectedBucket(this, 'Uploads', { adminPrincipals: [breakGlass] });
    // Scenario 2: terminate-instances fails, stop-instances works.
    new ProtectedInstance(this, 'Worker', {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    new ProtectedTable(this, 'Sessions', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
  }
}

function buildApp(app: App): App {
  new ProductionDataStack(app, 'ProductionData');
  // Scenario 1 and cdk destroy: everything stateful in the app is retained or snapshotted.
  Protection.of(app).apply();
  return app;
}
// --- snippet end

test('the docs snippet synthesizes, every stateful resource protected', () => {
  const app = buildApp(new App());
  const stack = app.node.findChild('ProductionData') as Stack;
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::RDS::DBInstance', 1);
  const report = Protection.of(app).report();
  expect(report.total).toBeGreaterThanOrEqual(5);
  expect(report.protectedCount).toBe(report.total);
  expect(stack.terminationProtection).toBe(true);
});

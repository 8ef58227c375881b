/**
 * The reference app: what a team copies to give an AI coding agent AWS credentials
 * that can read and build, but cannot destroy production.
 *
 * In your own app, import from 'cdk-agent-guardrails' instead of '../src', and replace the
 * placeholder account IDs, OU ID, e-mail address and Slack IDs with your own.
 *
 *   npx cdk synth --app "npx ts-node examples/guarded-account.ts"
 */
import { App, CfnOutput, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import {
  AgentAccess, AgentGuardrailsChecks, AgentRcp, AgentRole, AgentScp, DestructiveCallAlarm, GuardedBootstrap, GuardrailBackup,
  ProtectedBucket, ProtectedDatabase, ProtectedInstance, ProtectedTable, Protection,
} from '../src';

/**
 * Where each stack goes. Add `account` to pin the workload account and the management account
 * (then a VPC looks up its Availability Zones, which needs credentials or cdk.context.json).
 */
const WORKLOAD = { region: 'us-east-1' };
const MANAGEMENT = { region: 'us-east-1' };
/** The OU whose accounts run agents. */
const AGENT_OU = 'ou-ab12-cd34ef56';
/** The people who may still delete, after a human decision (break-glass). */
const BREAK_GLASS_ROLE = 'BreakGlassAdmin';

/** Layers 1, 3, 4 and 5 in the account where the agent works. */
export class GuardedAccountStack extends Stack {
  /** The role the agent assumes. */
  public readonly agent: AgentRole;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const breakGlass = iam.Role.fromRoleName(this, 'BreakGlass', BREAK_GLASS_ROLE);

    // Layer 3: production data the agent may read and build around, but not destroy.
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // Scenario 4: delete-db-instance --skip-final-snapshot fails; snapshot + retained backups regardless.
    new ProtectedDatabase(this, 'Orders', {
      // A major version only: RDS creates the instance on its current minor version and keeps it upgraded.
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    // Scenario 3: s3 rm only adds delete markers (versions are Object Locked); s3 rb is denied.
    new ProtectedBucket(this, 'Uploads', { adminPrincipals: [breakGlass] });
    // Scenario 2: terminate-instances fails, stop-instances works.
    new ProtectedInstance(this, 'Worker', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    new ProtectedTable(this, 'Sessions', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });

    // Layer 5: backups of everything tagged guardrails:backup=true (the Protected* constructs
    // and Protection.of() tag what AWS Backup supports), in a locked vault.
    const backups = new GuardrailBackup(this, 'Backup', { adminPrincipals: [breakGlass] });

    // Layer 4: a human knows within seconds; five denied attempts in ten minutes cut the agent off.
    const alarm = new DestructiveCallAlarm(this, 'DestructiveCallAlarm', {
      emails: ['oncall@example.com'],
      slack: { workspaceId: 'T07ABCDE12', channelId: 'C07ABCDE12' },
      killSwitch: { deniedAttempts: 5, deniedWindow: Duration.minutes(10) },
    });

    // Layer 1: the role the agent assumes. Read and build; no delete, no escape, no tampering
    // with the alarm and backups that guard it.
    this.agent = new AgentRole(this, 'AgentRole', {
      assumedBy: new iam.AccountPrincipal(this.account), // who starts the agent (a user, SSO role, CI, ...)
      roleName: 'coding-agent',
      access: AgentAccess.developer(),
      // The alarm's rules, topic and key carry the guard tag (guardrails:guard=true), which
      // the role's tag-based deny covers; the trail, topic and vault are also denied by ARN.
      guardedTrails: alarm.trail ? [alarm.trail] : [],
      guardedTopics: [alarm.topic],
      guardedBackupVaults: [backups.vault],
    });

    new CfnOutput(this, 'AgentRoleArn', { value: this.agent.roleArn, description: 'Role the AI agent assumes' });
    new CfnOutput(this, 'AlertTopicArn', { value: alarm.topic.topicArn, description: 'Destructive-call alerts' });
    new CfnOutput(this, 'BackupVaultName', { value: backups.vault.backupVaultName });
  }
}

/** Props of `AgentToolkitStack`. */
export interface AgentToolkitStackProps extends StackProps {
  /** The agent roles that may deploy. */
  readonly agentRoles: iam.IRole[];
}

/**
 * Guarded deploys in the account where the agent works: the agent may `cdk deploy` its own
 * `agent-*` stacks (apps synthesized with GuardedStackSynthesizer), and CloudFormation acts for it
 * only through an execution role that is itself an agent role. Humans keep the standard bootstrap
 * (hnb659fds), which the agent cannot use. A stack of its own, as CDKToolkit is, deployed by a human.
 */
export class AgentToolkitStack extends Stack {
  /** The agent's own CDK bootstrap environment (qualifier `agent`). */
  public readonly bootstrap: GuardedBootstrap;

  constructor(scope: Construct, id: string, props: AgentToolkitStackProps) {
    super(scope, id, props);
    this.bootstrap = new GuardedBootstrap(this, 'AgentBootstrap', { agentRoles: props.agentRoles });
    new CfnOutput(this, 'AgentDeployRoleArn', { value: this.bootstrap.deployRole.roleArn, description: 'Role cdk deploy assumes for the agent' });
  }
}

/** Layer 2 in the management account (or the Organizations delegated administrator). */
export class GuardrailsOrganizationStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    // Every agent in every account of the OU: no destroy, even with AdministratorAccess.
    new AgentScp(this, 'AgentScp', {
      targetIds: [AGENT_OU],
      breakGlassPrincipalArnPatterns: [`arn:aws:iam::*:role/${BREAK_GLASS_ROLE}`],
    });
    // Resource-side: agents are refused on S3, KMS, Secrets Manager, ... even from other accounts.
    new AgentRcp(this, 'AgentRcp', { targetIds: [AGENT_OU] });
  }
}

/** Builds the reference app. Exported so tests and benchmarks build the same app. */
export function buildGuardedAccountApp(app: App = new App()): App {
  const workload = new GuardedAccountStack(app, 'GuardedAccount', {
    env: WORKLOAD,
    description: 'cdk-agent-guardrails reference app: the workload account an agent works in',
  });
  new AgentToolkitStack(app, 'GuardedAgentToolkit', {
    env: WORKLOAD,
    agentRoles: [workload.agent],
    description: 'cdk-agent-guardrails reference app: the agent\'s guarded CDK bootstrap (qualifier agent)',
  });
  new GuardrailsOrganizationStack(app, 'GuardrailsOrganization', {
    env: MANAGEMENT,
    description: 'cdk-agent-guardrails reference app: organization guardrails for every agent',
  });
  // Scenario 1 and cdk destroy: everything stateful in the app is retained or snapshotted,
  // with deletion protection on and stack termination protection.
  Protection.of(app).apply();
  // Layer 6: the checklist runs at every synth; findings fail the synth.
  Validations.of(app).addPlugins(new AgentGuardrailsChecks());
  return app;
}

if (require.main === module) {
  buildGuardedAccountApp().synth();
}

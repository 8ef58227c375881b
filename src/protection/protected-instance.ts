import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity';
import { UnsafeChoices, warnUnsafe } from './private/validation';
import { constructPath } from '../private/errors';

/**
 * Properties of a `ProtectedInstance`: every `ec2.InstanceProps` prop, with safer defaults.
 */
export interface ProtectedInstanceProps extends ec2.InstanceProps {
  /**
   * Also refuse `ec2:StopInstances` (stop protection).
   *
   * Off by default: stopping is reversible and is the safe alternative to terminating.
   * CloudFormation sets stop protection only through a launch template, so turning it on adds
   * one (named `StopProtection`); on an existing instance that is a replacement, so decide at
   * creation or use `aws ec2 modify-instance-attribute --disable-api-stop` instead.
   *
   * @default false
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-stop-protection.html
   */
  readonly disableApiStop?: boolean;

  /**
   * Device name of the AMI's root volume, mapped so that the root volume is kept when the
   * instance is terminated.
   *
   * Must match the AMI (Amazon Linux: `/dev/xvda`; Ubuntu, Debian, Windows: `/dev/sda1`),
   * otherwise the launch fails.
   *
   * @default - `/dev/sda1` for Windows images, `/dev/xvda` otherwise
   */
  readonly rootDeviceName?: string;

  /**
   * Accept settings that leave the instance unprotected instead of refusing them.
   *
   * Without it, `disableApiTermination: false`, `instanceInitiatedShutdownBehavior: TERMINATE`
   * and a block device with `deleteOnTermination: true` throw at synth. With it they are kept
   * and each one adds a warning annotation. Risk: the instance or its volumes can be destroyed.
   *
   * @default false
   */
  readonly allowUnprotected?: boolean;
}

/**
 * An EC2 instance that can be stopped but not terminated, whose volumes outlive it.
 *
 * A drop-in replacement for `ec2.Instance` (it extends it and accepts the same props).
 * Termination protection is on (`DisableApiTermination`), stop stays allowed (stop protection
 * is opt-in through `disableApiStop`), an OS-initiated shutdown stops rather than terminates,
 * the root volume and every EBS block device are kept on termination
 * (`DeleteOnTermination: false`, root volume encrypted), DeletionPolicy and
 * UpdateReplacePolicy are Retain, and the instance is tagged `guardrails:backup=true`.
 *
 * Answers scenario 2 (`aws ec2 terminate-instances` when asked to stop): terminate fails,
 * stop works.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingDisableAPITermination.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new ProtectedInstance(this, 'Server', {
 *   vpc,
 *   instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
 *   machineImage: ec2.MachineImage.latestAmazonLinux2023(),
 * });
 */
export class ProtectedInstance extends ec2.Instance {
  private static protectedProps(scope: Construct, id: string, props: ProtectedInstanceProps): ec2.InstanceProps {
    unsafeChoices(props).enforce(constructPath(scope, id), props.allowUnprotected);
    return {
      ...props,
      // With stop protection the instance gets its own launch template, which also carries IMDSv2.
      requireImdsv2: props.disableApiStop === true ? false : props.requireImdsv2,
      disableApiTermination: props.disableApiTermination ?? true,
      instanceInitiatedShutdownBehavior: props.instanceInitiatedShutdownBehavior ?? ec2.InstanceInitiatedShutdownBehavior.STOP,
    };
  }

  /** Device name mapped as the root volume. */
  public readonly rootDeviceName: string;

  constructor(scope: Construct, id: string, props: ProtectedInstanceProps) {
    super(scope, id, ProtectedInstance.protectedProps(scope, id, props));
    warnUnsafe(this, 'ProtectedInstance', unsafeChoices(props).enforce(this.node.path, true));

    const windows = props.machineImage.getImage(this).osType === ec2.OperatingSystemType.WINDOWS;
    this.rootDeviceName = props.rootDeviceName ?? (windows ? '/dev/sda1' : '/dev/xvda');

    if (props.disableApiStop === true) {
      // AWS::EC2::Instance has no DisableApiStop property: it comes from a launch template.
      const template = new ec2.CfnLaunchTemplate(this, 'StopProtection', {
        launchTemplateData: {
          disableApiStop: true,
          metadataOptions: props.requireImdsv2 === true ? { httpTokens: 'required' } : undefined,
        },
      });
      this.instance.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
    }
    this.instance.blockDeviceMappings = this.keptBlockDevices(props);
    this.instance.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Tags.of(this.instance).add(AgentIdentity.BACKUP_TAG_KEY, AgentIdentity.BACKUP_TAG_VALUE);
  }

  /** The instance's block-device mappings with every EBS volume kept on termination, root included. */
  private keptBlockDevices(props: ProtectedInstanceProps): ec2.CfnInstance.BlockDeviceMappingProperty[] {
    const explicit = new Map<string, boolean | undefined>();
    for (const device of props.blockDevices ?? []) {
      explicit.set(device.deviceName, device.volume.ebsDevice?.deleteOnTermination);
    }
    // aws-cdk-lib renders blockDevices into a plain array of camelCase mappings.
    const current = (this.instance.blockDeviceMappings ?? []) as ec2.CfnInstance.BlockDeviceMappingProperty[];
    const mappings = current.map(mapping => mapping.ebs === undefined ? mapping : {
      ...mapping,
      ebs: { ...mapping.ebs as ec2.CfnInstance.EbsProperty, deleteOnTermination: explicit.get(mapping.deviceName) === true },
    });
    if (!mappings.some(m => m.deviceName === this.rootDeviceName)) {
      // Only DeleteOnTermination and Encrypted: size and snapshot come from the AMI.
      mappings.unshift({ deviceName: this.rootDeviceName, ebs: { deleteOnTermination: false, encrypted: true } });
    }
    return mappings;
  }
}

function unsafeChoices(props: ProtectedInstanceProps): UnsafeChoices {
  const unsafe = new UnsafeChoices('ProtectedInstance');
  unsafe.check(props.disableApiTermination === false, 'disableApiTermination: false (ec2:TerminateInstances succeeds)');
  unsafe.check(props.instanceInitiatedShutdownBehavior === ec2.InstanceInitiatedShutdownBehavior.TERMINATE,
    'instanceInitiatedShutdownBehavior: TERMINATE (a shutdown from inside the instance terminates it, termination protection or not)');
  (props.blockDevices ?? []).forEach((device, i) => {
    unsafe.check(device.volume.ebsDevice?.deleteOnTermination === true,
      `blockDevices[${i}] ('${device.deviceName}') deleteOnTermination: true (the volume is deleted with the instance)`);
  });
  return unsafe;
}

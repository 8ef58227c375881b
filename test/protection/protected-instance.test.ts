import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AgentIdentity } from '../../src/identity';
import { ProtectedInstance, ProtectedInstanceProps } from '../../src/protection';

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
  const base = {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
  };
  return { stack, base };
}

describe('ProtectedInstance', () => {
  test('defaults: termination protection, stop allowed, shutdown stops, root volume kept, Retain, tag', () => {
    const { stack, base } = setup();
    const instance = new ProtectedInstance(stack, 'Server', base);
    expect(instance).toBeInstanceOf(ec2.Instance);
    expect(instance.node.defaultChild!.node.id).toBe('Resource');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::EC2::Instance', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DisableApiTermination: true,
        InstanceInitiatedShutdownBehavior: 'stop',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false, Encrypted: true } }],
        Tags: Match.arrayWith([{ Key: AgentIdentity.BACKUP_TAG_KEY, Value: 'true' }]),
        LaunchTemplate: Match.absent(),
      }),
    });
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
  });

  test('data volumes are kept on termination; a mapped root volume is not duplicated', () => {
    const { stack, base } = setup();
    new ProtectedInstance(stack, 'Server', {
      ...base,
      blockDevices: [
        { deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true }) },
        { deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) },
      ],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false, Encrypted: true, VolumeSize: 30 } },
        { DeviceName: '/dev/sdf', Ebs: { DeleteOnTermination: false, Encrypted: true, VolumeSize: 100, VolumeType: 'gp3' } },
      ],
    });
  });

  test('Windows images map /dev/sda1; rootDeviceName overrides', () => {
    const { stack, base } = setup();
    new ProtectedInstance(stack, 'Win', { ...base, machineImage: ec2.MachineImage.genericWindows({ 'us-east-1': 'ami-87654321' }) });
    new ProtectedInstance(stack, 'Ubuntu', { ...base, rootDeviceName: '/dev/sda1' });
    const template = Template.fromStack(stack);
    const roots = Object.values(template.findResources('AWS::EC2::Instance')).map(r => r.Properties.BlockDeviceMappings[0].DeviceName);
    expect(roots).toEqual(['/dev/sda1', '/dev/sda1']);
  });

  test('stop protection is opt-in, through a launch template that keeps IMDSv2', () => {
    const { stack, base } = setup();
    new ProtectedInstance(stack, 'Server', { ...base, disableApiStop: true, requireImdsv2: true });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { DisableApiStop: true, MetadataOptions: { HttpTokens: 'required' } },
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      LaunchTemplate: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('^ServerStopProtection') }, Version: Match.anyValue() },
    });
  });

  // Construct and path, the prop and value, then the fix.
  const refused = (choice: string) => new RegExp(`^ProtectedInstance 'Stack/Server': ${choice}\\. ProtectedInstance refuses this setting: `
    + 'remove it to keep the default protection, or set allowUnprotected: true to accept the risk of losing this resource\\.$');
  test.each([
    [{ disableApiTermination: false }, refused('disableApiTermination: false \\(ec2:TerminateInstances succeeds\\)')],
    [{ instanceInitiatedShutdownBehavior: ec2.InstanceInitiatedShutdownBehavior.TERMINATE }, refused('instanceInitiatedShutdownBehavior: TERMINATE \\(a shutdown from inside the instance terminates it, termination protection or not\\)')],
    [{ blockDevices: [{ deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(10, { deleteOnTermination: true }) }] },
      refused("blockDevices\\[0\\] \\('/dev/sdf'\\) deleteOnTermination: true \\(the volume is deleted with the instance\\)")],
  ])('refuses %p without allowUnprotected', (unsafe, message) => {
    const { stack, base } = setup();
    expect(() => new ProtectedInstance(stack, 'Server', { ...base, ...unsafe } as ProtectedInstanceProps)).toThrow(message);
    expect(stack.node.tryFindChild('Server')).toBeUndefined();
  });

  test('allowUnprotected keeps the choices, with warnings', () => {
    const { stack, base } = setup();
    new ProtectedInstance(stack, 'Server', {
      ...base,
      allowUnprotected: true,
      disableApiTermination: false,
      blockDevices: [{ deviceName: '/dev/sdf', volume: ec2.BlockDeviceVolume.ebs(10, { deleteOnTermination: true, encrypted: true }) }],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      DisableApiTermination: false,
      BlockDeviceMappings: Match.arrayWith([{ DeviceName: '/dev/sdf', Ebs: Match.objectLike({ DeleteOnTermination: true }) }]),
    });
    expect(Annotations.fromStack(stack).findWarning('/Stack/Server', Match.stringLikeRegexp('^ProtectedInstance is NOT fully protected'))).toHaveLength(2);
  });
});

import { Annotations, Stack, Tags, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { AgentIdentity } from '../identity/agent-identity';
import { setActions } from '../policy/private/guards';
import { inputError } from '../private/errors';

/** Properties of a `CentralAlarmBus`. */
export interface CentralAlarmBusProps {
  /**
   * ID of the organization whose accounts may send events (`aws:PrincipalOrgID`), e.g. `o-a1b2c3d4e5`.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
   */
  readonly organizationId: string;

  /**
   * Name of a custom event bus to create and open to the organization.
   *
   * Risk: `DestructiveCallAlarm` watches only the default event bus, and EventBridge does not
   * route an event a bus received from another bus on to a third bus: with a custom bus, no
   * guardrail alarm sees the forwarded events; only your own rules on that bus do.
   * @default - the account's default event bus, where a `DestructiveCallAlarm` in this account and Region sees the events
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html
   */
  readonly eventBusName?: string;
}

/** Organization ID: `o-` then 10 to 32 lower-case letters or digits. */
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** Custom event bus name (EventBridge CreateEventBus). */
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

/**
 * The security account's side of the central alarm: an event bus that accepts
 * `events:PutEvents` from every account of the organization, and from nobody else.
 *
 * Deploy it in the security (audit) account, in the Region of the central `DestructiveCallAlarm`.
 * Member accounts forward their agents' CloudTrail events to it with a `DestructiveCallForwarder`
 * in every Region they use; the alarm's rules then match the forwarded events, which keep their
 * own `account` and `region`. By default the bus is the account's default bus, the one
 * `DestructiveCallAlarm` watches; the policy is one statement added to that bus's policy.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 *
 * @example
 * // In the security account, with a DestructiveCallAlarm in the same stack:
 * const bus = new CentralAlarmBus(this, 'CentralBus', { organizationId: 'o-a1b2c3d4e5' });
 */
export class CentralAlarmBus extends Construct {
  /** Name of the bus (`default` unless a custom bus was asked for). */
  public readonly eventBusName: string;

  /** ARN of the bus. */
  public readonly eventBusArn: string;

  /** The bus policy statement that admits the organization. */
  public readonly policy: events.CfnEventBusPolicy;

  /**
   * The custom bus.
   * @default - undefined when the default bus is used
   */
  public readonly eventBus?: events.EventBus;

  /** The organization admitted. */
  public readonly organizationId: string;

  constructor(scope: Construct, id: string, props: CentralAlarmBusProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const fail = (m: string) => inputError('CentralAlarmBus', path, m);
    if (!props || props.organizationId === undefined || Token.isUnresolved(props.organizationId) || !ORG_ID.test(props.organizationId)) {
      throw fail(`organizationId: '${props?.organizationId}' is not an organization ID. Use the ID 'aws organizations describe-organization' prints, e.g. 'o-a1b2c3d4e5'.`);
    }
    const custom = props.eventBusName !== undefined && props.eventBusName !== 'default';
    if (custom && !Token.isUnresolved(props.eventBusName!) && (!BUS_NAME.test(props.eventBusName!) || props.eventBusName!.startsWith('aws.'))) {
      throw fail(`eventBusName: '${props.eventBusName}' is not a custom event bus name. Use 1 to 256 letters, digits and /._-, not starting with 'aws.', e.g. 'guardrails-central', or leave it out to use the default bus.`);
    }
    super(scope, id);
    const stack = Stack.of(this);
    this.organizationId = props.organizationId;
    if (custom) {
      this.eventBus = new events.EventBus(this, 'Resource', { eventBusName: props.eventBusName! });
      Tags.of(this.eventBus).add(AgentIdentity.GUARD_TAG_KEY, AgentIdentity.GUARD_TAG_VALUE);
      this.eventBusName = this.eventBus.eventBusName;
      this.eventBusArn = this.eventBus.eventBusArn;
      Annotations.of(this).addWarningV2('cdk-agent-guardrails:centralBusCustom',
        `eventBusName is '${props.eventBusName}': DestructiveCallAlarm watches only the default bus, and EventBridge does not pass events received from another bus on to a third bus, so no guardrail alarm sees the forwarded events. Leave eventBusName out unless your own rules on this bus raise the alarm.`);
    } else {
      this.eventBusName = 'default';
      this.eventBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
    }
    this.policy = new events.CfnEventBusPolicy(this, 'OrganizationPolicy', {
      eventBusName: custom ? this.eventBusName : undefined,
      statementId: 'GuardrailsOrganizationPutEvents',
      statement: {
        Sid: 'GuardrailsOrganizationPutEvents',
        Effect: 'Allow',
        Principal: '*',
        Action: setActions('org.central-bus-put'),
        Resource: this.eventBusArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      },
    });
  }
}

import { TemplateResource } from './assembly';
import { EventPatternMatcher } from './event-pattern';
import { IamView } from './iam';
import { asList, resolve } from './intrinsics';
import { ActionCatalog } from '../../catalog';
import { setActions } from '../../policy/private/guards';

/** The detail-type of CloudTrail management events on EventBridge. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * Calls from the acceptance scenarios of the design: an alarm rule covers an agent role when,
 * for each of these, some enabled rule matches the call made by that role.
 */
export const SCENARIO_ACTIONS = setActions('checks.scenarios');

/** Reads EventBridge rules as destructive-call alarms. */
export class AlarmRules {
  /** The resolved event pattern of a rule (role ARNs of the same stack resolved). */
  public static pattern(rule: TemplateResource): unknown {
    const view = new IamView(rule.stack);
    let raw = rule.properties.EventPattern;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        return undefined;
      }
    }
    return resolve(raw, rule.stack.env, (lid, att) => {
      const target = view.get(lid);
      if (target?.type === 'AWS::IAM::Role' && att === 'Arn') return view.roleArn(target);
      return undefined;
    });
  }

  /** Whether a rule listens to CloudTrail API calls (the shape of a DestructiveCallAlarm rule). */
  public static isApiCallRule(rule: TemplateResource): boolean {
    if (rule.type !== 'AWS::Events::Rule') return false;
    const p = AlarmRules.pattern(rule) as Record<string, unknown> | undefined;
    return !!p && asList(p['detail-type']).includes(CLOUDTRAIL_DETAIL_TYPE);
  }

  /** Whether a rule is enabled, on the default bus, and has at least one target. */
  public static isLive(rule: TemplateResource): boolean {
    const state = resolve(rule.properties.State, rule.stack.env);
    if (state === 'DISABLED') return false;
    const bus = resolve(rule.properties.EventBusName, rule.stack.env);
    if (bus !== undefined && bus !== 'default' && !(typeof bus === 'string' && /:event-bus\/default$/.test(bus))) return false;
    return asList(rule.properties.Targets).length > 0;
  }

  /** The CloudTrail event an agent role's call of `action` produces on EventBridge. */
  public static eventFor(roleArn: string, action: string, account: string, region: string): Record<string, unknown> {
    const info = ActionCatalog.describe(action);
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      'version': '0',
      'detail-type': CLOUDTRAIL_DETAIL_TYPE,
      'source': `aws.${info.service}`,
      account,
      region,
      'resources': [],
      'detail': {
        eventVersion: '1.09',
        eventSource: info.eventSource,
        eventName: info.eventName ?? info.name,
        awsRegion: region,
        eventType: 'AwsApiCall',
        managementEvent: true,
        readOnly: false,
        recipientAccountId: account,
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLEAGENT:agent-session',
          arn: `arn:aws:sts::${account}:assumed-role/${roleName}/agent-session`,
          accountId: account,
          sessionContext: {
            sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEAGENT', arn: roleArn, accountId: account, userName: roleName },
          },
        },
      },
    };
  }

  /**
   * Scenario actions of an agent role that no live alarm rule matches, plus notes on patterns
   * that could not be evaluated (counted as not matching).
   */
  public static uncovered(role: TemplateResource, rules: TemplateResource[]): { missing: string[]; notes: string[] } {
    const roleArn = new IamView(role.stack).roleArn(role);
    const notes: string[] = [];
    const live = rules.filter(r => AlarmRules.isApiCallRule(r) && AlarmRules.isLive(r));
    const missing = SCENARIO_ACTIONS.filter(action => !live.some(rule => {
      const event = AlarmRules.eventFor(roleArn, action, role.stack.env.account, rule.stack.env.region);
      try {
        return EventPatternMatcher.matches(AlarmRules.pattern(rule), event);
      } catch (e) {
        notes.push(`rule ${rule.logicalId}: ${(e as Error).message}`);
        return false;
      }
    }));
    return { missing, notes: [...new Set(notes)] };
  }

  private constructor() {}
}

import { StackModel, TemplateResource } from './assembly';
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
  /**
   * The resolved event pattern of a rule (role ARNs of the same stack resolved). Computed once
   * per rule of a read assembly (the models are not changed once read): the coverage check
   * matches every scenario call against every rule.
   */
  public static pattern(rule: TemplateResource): unknown {
    if (AlarmRules.patterns.has(rule)) return AlarmRules.patterns.get(rule);
    const out = AlarmRules.resolvePattern(rule);
    AlarmRules.patterns.set(rule, out);
    return out;
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
    const events = new Map<string, Record<string, unknown>>();
    const missing = SCENARIO_ACTIONS.filter(action => !live.some(rule => {
      // One event per action and Region (the rules of a stack share it).
      const key = `${action}\u0000${rule.stack.env.region}`;
      let event = events.get(key);
      if (!event) events.set(key, event = AlarmRules.eventFor(roleArn, action, role.stack.env.account, rule.stack.env.region));
      try {
        return EventPatternMatcher.matches(AlarmRules.pattern(rule), event);
      } catch (e) {
        notes.push(`rule ${rule.logicalId}: ${(e as Error).message}`);
        return false;
      }
    }));
    return { missing, notes: [...new Set(notes)] };
  }

  /** Resolved patterns and stack views, per read assembly model (the models are not changed once read). */
  private static readonly patterns = new WeakMap<TemplateResource, unknown>();
  private static readonly views = new WeakMap<StackModel, IamView>();

  private static resolvePattern(rule: TemplateResource): unknown {
    let view = AlarmRules.views.get(rule.stack);
    if (!view) {
      view = new IamView(rule.stack);
      AlarmRules.views.set(rule.stack, view);
    }
    const v = view;
    let raw = rule.properties.EventPattern;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        return undefined;
      }
    }
    return resolve(raw, rule.stack.env, (lid, att) => {
      const target = v.get(lid);
      if (target?.type === 'AWS::IAM::Role' && att === 'Arn') return v.roleArn(target);
      return undefined;
    });
  }

  private constructor() {}
}

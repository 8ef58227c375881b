/**
 * Conformance matrix: every catalog rule, at every enforcement point where it says it is
 * enforceable, is enforced there, evaluated.
 *
 * - IDENTITY: AgentRole's own policies (with AdministratorAccess attached, so nothing but the
 *   denies can refuse), iam-simulate;
 * - BOUNDARY: the role's permissions boundary alone over AdministratorAccess, iam-simulate;
 * - SCP: AgentScp over AdministratorAccess, agent principal, iam-simulate;
 * - RCP: AgentRcp over AdministratorAccess, agent principal, on the RCP services, iam-simulate;
 * - EVENTS: DestructiveCallAlarm's patterns, CloudTrail-format records of each action with a
 *   CloudTrail event, the library's matcher: a successful call matches exactly one CRITICAL rule,
 *   a refused one exactly one DENIED rule;
 * - checks: AG-IAM2's evaluator reports every rule's actions on a role with no denies.
 *
 * Each request satisfies the rule's conditions (e.g. the tag keys a tag-forgery rule names);
 * a condition operator this file does not know fails the test, so a new kind of rule cannot
 * pass unnoticed. Every action of every rule is evaluated (no sampling).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, orgPolicies, PolicySet, REGION, resolveTemplate, rolePolicies, simulateMany, SimRequest } from './harness';
import {
  ActionCatalog, ActionCategory, AgentIdentity, AgentRcp, AgentRole, AgentScp, CatalogRule, DestructiveCallAlarm, EnforcementPoint,
} from '../src';
import { requestShape, resourceFor } from './harness/condition-requests';
import { matchesPattern } from './harness/event-pattern';
import * as r from './monitoring/records';
import { PolicyEvaluator } from '../src/checks/private/iam';

jest.setTimeout(600_000);
process.env.CDK_VALIDATION = 'false';

const ALL = Object.values(ActionCategory);
/** Every opt-in rule, so the matrix evaluates them too. */
const OPT_IN = ActionCatalog.optInRuleIds();
const AGENT = { arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`, tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE } };
const rows: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[conformance] rule × enforcement point (requests evaluated, not enforced)', ...rows].join('\n  '));
});


/**
 * A request for an action that satisfies every condition (and the resource scope) of the rule.
 * Negated operators hold when the key is absent, so their key is left out, except the resource's
 * account and organization, which the harness always sends (as AWS does): those get a value the
 * rule's values cannot be.
 */
function request(rule: CatalogRule, action: string): Omit<SimRequest, 'principal'> {
  const shape = requestShape(rule.conditions, `rule ${rule.id}`);
  const resource = rule.resources ? resourceFor(rule.resources[0]) : undefined;
  return { action, ...shape, resource };
}

/** Evaluates every action of every rule at a point; returns rule → actions not denied. */
async function evaluate(point: EnforcementPoint, set: PolicySet, keep: (a: string) => boolean = () => true): Promise<Map<string, string[]>> {
  const rules = ActionCatalog.rules({ enforceableAt: point });
  const reqs: Array<{ rule: string; req: SimRequest }> = [];
  for (const rule of rules) for (const a of rule.actions.filter(keep)) reqs.push({ rule: rule.id, req: { ...request(rule, a), principal: AGENT } });
  const decisions: Decision[] = await simulateMany(set, reqs.map(x => x.req));
  const open = new Map<string, string[]>();
  reqs.forEach((x, i) => {
    if (decisions[i] === 'ExplicitlyDenied') return;
    if (!open.has(x.rule)) open.set(x.rule, []);
    open.get(x.rule)!.push(`${x.req.action}: ${decisions[i]}`);
  });
  rows.push(`${point}: ${rules.length} rules, ${reqs.length} requests, ${reqs.length - [...open.values()].flat().length} denied`);
  return open;
}

describe('policies', () => {
  const app = new App();
  const workload = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
  new AgentRole(workload, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent', categories: ALL, managedPolicyQuota: 20, optInRules: OPT_IN });
  const org = new Stack(app, 'Org');
  new AgentScp(org, 'Scp', { targetIds: ['r-ab12'], categories: ALL, overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }], optInRules: OPT_IN });
  new AgentRcp(org, 'Rcp', { targetIds: ['r-ab12'], categories: ALL, overflowLevels: [{ targetIds: ['ou-ab12-cd34ef56'] }], optInRules: OPT_IN });
  const w = resolveTemplate(Template.fromStack(workload).toJSON());
  const o = resolveTemplate(Template.fromStack(org).toJSON());
  const roleId = Object.keys(w.Resources).find(k => w.Resources[k].Type === 'AWS::IAM::Role')!;
  const role = rolePolicies(w, roleId);

  test('IDENTITY: AgentRole (every category) denies every action of every rule, AdministratorAccess attached', async () => {
    expect(Object.fromEntries(await evaluate(EnforcementPoint.IDENTITY, { identity: [...role.identity, ADMINISTRATOR_ACCESS] }))).toEqual({});
  });

  test('BOUNDARY: the boundary alone denies every action of the rules it holds', async () => {
    expect(Object.fromEntries(await evaluate(EnforcementPoint.BOUNDARY, { identity: [ADMINISTRATOR_ACCESS], boundary: role.boundary }))).toEqual({});
  });

  test('SCP: AgentScp (every category) denies every action of every rule to an agent with AdministratorAccess', async () => {
    expect(Object.fromEntries(await evaluate(EnforcementPoint.SCP, { identity: [ADMINISTRATOR_ACCESS], scps: orgPolicies(o, 'SERVICE_CONTROL_POLICY') }))).toEqual({});
  });

  test('RCP: AgentRcp (every category) denies every action of every rule on the RCP services', async () => {
    const rcp = new Set(ActionCatalog.rcpServices());
    expect(Object.fromEntries(await evaluate(EnforcementPoint.RCP, { identity: [ADMINISTRATOR_ACCESS], rcps: orgPolicies(o, 'RESOURCE_CONTROL_POLICY') },
      a => rcp.has(a.split(':')[0])))).toEqual({});
  });
});

/** Request parameters that satisfy an event filter: a value each matcher accepts (an absent field for `exists: false`). */
function sampleParameters(filter: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) {
    if (!Array.isArray(v)) { out[k] = sampleParameters(v as Record<string, unknown>); continue; }
    const m = v.find(x => !(typeof x === 'object' && x && 'exists' in x && (x as any).exists === false)) ?? v[0];
    if (typeof m === 'string' || typeof m === 'boolean' || typeof m === 'number') {out[k] = m;} else if (m && typeof m === 'object' && 'prefix' in m) {out[k] = `${(m as any).prefix}sample`;} else if (m && typeof m === 'object' && 'wildcard' in m) {out[k] = String((m as any).wildcard).replace(/\*/g, 'x');} else if (m && typeof m === 'object' && 'anything-but' in m) {out[k] = 'arn:aws:iam::111111111111:role/other';} else if (m && typeof m === 'object' && 'numeric' in m) {out[k] = Number((m as any).numeric[1]) - 1;} else if (m && typeof m === 'object' && 'exists' in m && (m as any).exists === true) {out[k] = 'present';} else if (m && typeof m === 'object' && 'exists' in m) { /* exists: false: leave the field out */ } else {throw new Error(`no sample for ${JSON.stringify(m)}`);}
  }
  return out;
}

describe('EVENTS', () => {
  test('each action of each rule with a CloudTrail event matches exactly one CRITICAL rule when it succeeds and one DENIED rule when refused', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: r.ACCOUNT, region: REGION } });
    new DestructiveCallAlarm(stack, 'Alarm', { namePrefix: 'guardrails', categories: ALL, maxRules: 300, optInRules: OPT_IN });
    const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
    const rules = Object.values<any>(resolved.Resources).filter(x => x.Type === 'AWS::Events::Rule')
      .map(x => ({ severity: (x.Properties.Name as string).split('-')[1].toUpperCase(), pattern: x.Properties.EventPattern }));
    const wrong: string[] = [];
    let checked = 0;
    let withoutEvent = 0;
    for (const rule of ActionCatalog.rules({ enforceableAt: EnforcementPoint.EVENTS })) {
      const scoped = rule.conditions.length > 0 || rule.resources !== undefined || rule.notResources !== undefined;
      const unfilterable = scoped && rule.eventDetailJson === undefined && !rule.alarmOnlyWhenRefused;
      expect({ rule: rule.id, unfilterable }).toEqual({ rule: rule.id, unfilterable: false });
      const detail = rule.eventDetailJson ? JSON.parse(rule.eventDetailJson) : undefined;
      const requestParameters = detail ? sampleParameters((detail.$or ? detail.$or[0] : detail).requestParameters ?? {}) : undefined;
      for (const action of rule.actions) {
        const info = ActionCatalog.describe(action);
        if (info.eventName === undefined) { withoutEvent++; continue; }
        const name = info.eventNameHasVersionSuffix ? `${info.eventName}20150331` : info.eventName;
        const ok = r.apiCall(r.AGENT, info.eventSource, name, { dataEvent: info.dataEvent, requestParameters });
        const refused = { ...ok, detail: { ...ok.detail, errorCode: 'AccessDenied' } };
        const crit = rules.filter(x => x.severity === 'CRITICAL' && matchesPattern(x.pattern, ok)).length;
        const den = rules.filter(x => x.severity === 'DENIED' && matchesPattern(x.pattern, refused)).length;
        // A rule whose condition CloudTrail cannot show alerts only when refused (a call that succeeded met it).
        const wantCritical = rule.alarmOnlyWhenRefused ? 0 : 1;
        if (crit !== wantCritical || den !== 1) {
          // An action several rules name is alerted by the unconditional one; only flag a miss.
          const unconditional = ActionCatalog.rulesOf(action)
            .some(o => o.id !== rule.id && o.conditions.length === 0 && !o.resources && !o.notResources);
          if (!(unconditional && crit === 1 && den === 1)) wrong.push(`${rule.id} ${action}: ${crit} critical, ${den} denied`);
        }
        checked++;
      }
    }
    rows.push(`EVENTS: ${ActionCatalog.rules({ enforceableAt: EnforcementPoint.EVENTS }).length} rules, ${checked} actions with a CloudTrail event matched (success and refusal), ${withoutEvent} without an event of their own name`);
    expect(wrong).toEqual([]);
  });
});

describe('checks', () => {
  test('AG-IAM2\'s evaluator finds every action of every identity rule allowed on a role without denies', () => {
    const evaluator = new PolicyEvaluator();
    const allowAll = [{ source: 'inline', statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const result = evaluator.evaluate(allowAll, undefined, { arn: AGENT.arn, tags: new Map(Object.entries(AGENT.tags)) });
    const allowed = new Set(result.allowed);
    // The checks hold roles to the defaults: opt-in rules are not part of them.
    const rules = ActionCatalog.rules({ categories: ActionCatalog.defaultCategories(), enforceableAt: EnforcementPoint.IDENTITY })
      .filter(x => !x.optIn);
    const missing = rules.flatMap(rule => rule.actions.filter(a => !allowed.has(a)).map(a => `${rule.id} ${a}`));
    rows.push(`checks: ${rules.length} rules (default categories), ${allowed.size} actions reported open on a role without denies`);
    expect(missing).toEqual([]);
  });
});

/**
 * The effects battery (test/effects/battery.ts), evaluated with iam-simulate against the policies
 * the constructs synthesize:
 *
 * - AgentRole with its defaults (developer access, boundary), and the same with AdministratorAccess attached;
 * - AgentScp with its defaults, alone over AdministratorAccess.
 *
 * Class a must be denied by each; class b and c must stay allowed by the guardrails (class b names
 * the protection that makes the request recoverable, class c is listed in docs/effects.md); the
 * must-allow requests stay allowed. Figures are printed with the prefix `[effects]`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AllowedRequest, BATTERY, EffectRequest, MUST_ALLOW, MUST_ALLOW_EPHEMERAL } from './battery';
import { ActionCatalog, AgentIdentity, AgentRole, AgentRoleProps, AgentScp, AgentScpProps } from '../../src';
import { ACCOUNT, ADMINISTRATOR_ACCESS, Decision, orgPolicies, PolicySet, Principal, REGION, resolveTemplate, rolePolicies, simulateMany, SimRequest } from '../harness';

jest.setTimeout(300_000);
process.env.CDK_VALIDATION = 'false';

const ROOT = path.join(__dirname, '..', '..');
const AGENT: Principal = {
  arn: `arn:aws:iam::${ACCOUNT}:role${AgentIdentity.AGENT_ROLE_PATH}coding-agent`,
  tags: { [AgentIdentity.AGENT_TAG_KEY]: AgentIdentity.AGENT_TAG_VALUE },
  sessionName: 'claude-code',
};
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(['[effects] battery', ...figures].join('\n  '));
});

function roleSet(props: Partial<AgentRoleProps> = {}): PolicySet {
  const stack = new Stack(new App(), 'Agent', { env: { account: ACCOUNT, region: REGION } });
  new AgentRole(stack, 'Agent', { assumedBy: new iam.AccountPrincipal(ACCOUNT), roleName: 'coding-agent', ...props });
  const resolved = resolveTemplate(Template.fromStack(stack).toJSON());
  return rolePolicies(resolved, Object.keys(resolved.Resources).find(k => resolved.Resources[k].Type === 'AWS::IAM::Role')!);
}

function scpSet(props: Partial<AgentScpProps> = {}): PolicySet {
  const stack = new Stack(new App(), 'Org');
  // The default SCPs fit one target (9 besides FullAWSAccess); with ephemeral deletes they are 10,
  // and the rest go to the root. Both levels apply to the account: this is still AgentScp alone.
  new AgentScp(stack, 'Scp', { targetIds: ['ou-ab12-cd34ef56'], overflowLevels: [{ targetIds: ['r-ab12'] }], ...props });
  return { identity: [ADMINISTRATOR_ACCESS], scps: orgPolicies(resolveTemplate(Template.fromStack(stack).toJSON()), 'SERVICE_CONTROL_POLICY') };
}

function request(r: EffectRequest | AllowedRequest): SimRequest {
  return {
    action: r.action,
    resource: r.resource,
    principal: AGENT,
    context: r.context,
    resourceTags: r.resourceTags,
    resourceAccount: (r as EffectRequest).resourceAccount,
  };
}

async function decide(set: PolicySet, requests: Array<EffectRequest | AllowedRequest>): Promise<Map<string, Decision>> {
  const decisions = await simulateMany(set, requests.map(request));
  return new Map(requests.map((r, i) => [r.id, decisions[i]]));
}

const byClass = (k: 'a' | 'b' | 'c') => BATTERY.filter(r => r.klass === k);
const open = (d: Map<string, Decision>, rs: Array<{ id: string }>) => rs.filter(r => d.get(r.id) === 'Allowed').map(r => r.id);
const errors = (d: Map<string, Decision>) => [...d].filter(([, v]) => v.startsWith('Error')).map(([k, v]) => `${k}: ${v}`);

describe('the battery itself', () => {
  test('at least 150 requests, unique ids, each with a behaviour and an https source; class b names its protection test', () => {
    expect(BATTERY.length).toBeGreaterThanOrEqual(150);
    expect(new Set(BATTERY.map(r => r.id)).size).toBe(BATTERY.length);
    for (const r of BATTERY) {
      expect({ id: r.id, ok: r.behaviour.length > 10 && /^https:\/\//.test(r.source) }).toEqual({ id: r.id, ok: true });
      if (r.klass === 'b') {
        expect(r.protection).toBeDefined();
        const text = fs.readFileSync(path.join(ROOT, r.protection!.file), 'utf8');
        expect({ id: r.id, test: text.includes(`'${r.protection!.test}'`) }).toEqual({ id: r.id, test: true });
      }
    }
    figures.push(`${BATTERY.length} requests: a ${byClass('a').length}, b ${byClass('b').length}, c ${byClass('c').length}; `
      + `threats ${[...new Set(BATTERY.map(r => r.threat))].map(t => `${t} ${BATTERY.filter(r => r.threat === t).length}`).join(', ')}; `
      + `must-allow ${MUST_ALLOW.length} + ${MUST_ALLOW_EPHEMERAL.length} on ephemeral resources`);
  });

  test('every class-c request is listed in docs/effects.md with its reason', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'effects.md'), 'utf8');
    const missing = byClass('c').filter(r => !doc.includes(`\`${r.id}\``)).map(r => r.id);
    expect(missing).toEqual([]);
  });
});

describe('evaluated', () => {
  const sets: Array<[string, () => PolicySet]> = [
    ['AgentRole (defaults)', () => roleSet()],
    ['AgentRole + AdministratorAccess', () => { const s = roleSet(); return { ...s, identity: [...s.identity, ADMINISTRATOR_ACCESS] }; }],
    ['AgentScp alone (defaults, AdministratorAccess)', () => scpSet()],
  ];

  test.each(sets)('%s: class a denied, class b and c not denied by the guardrails, ordinary work allowed', async (name, make) => {
    const set = make();
    const d = await decide(set, BATTERY);
    expect(errors(d)).toEqual([]);
    const a = open(d, byClass('a'));
    // Class b and c stay open: the guardrails must not deny them explicitly.
    const bc = [...byClass('b'), ...byClass('c')].filter(r => d.get(r.id) === 'ExplicitlyDenied').map(r => r.id);
    const allowed = await decide(set, MUST_ALLOW);
    expect(errors(allowed)).toEqual([]);
    const refused = MUST_ALLOW.filter(r => allowed.get(r.id) !== 'Allowed').map(r => `${r.id}: ${allowed.get(r.id)}`);
    figures.push(`${name}: open a ${a.length}/${byClass('a').length}, b ${open(d, byClass('b')).length}/${byClass('b').length}, `
      + `c ${open(d, byClass('c')).length}/${byClass('c').length}; must-allow allowed ${MUST_ALLOW.length - refused.length}/${MUST_ALLOW.length}`);
    if (a.length) figures.push(`${name}: class a open: ${a.join(', ')}`);
    expect(a).toEqual([]);
    expect(bc).toEqual([]);
    expect(refused).toEqual([]);
  });

  test('opt-in rules: with every one on, the class-c requests they name are denied, and so is the ordinary work they trade off', async () => {
    const set = roleSet({ optInRules: ActionCatalog.optInRuleIds() });
    const d = await decide(set, BATTERY);
    expect(errors(d)).toEqual([]);
    expect(open(d, byClass('a'))).toEqual([]);
    const optInActions = new Set(ActionCatalog.optInRuleIds().flatMap(id => ActionCatalog.rule(id).actions));
    const closed = byClass('c').filter(r => d.get(r.id) === 'ExplicitlyDenied').map(r => r.id);
    const named = byClass('c').filter(r => optInActions.has(r.action) && !(r.resource && !/_bulk|_update_by_query/.test(r.resource) && r.action.startsWith('es:ESHttp')));
    expect(closed.sort()).toEqual(named.map(r => r.id).sort());
    const allowed = await decide(set, MUST_ALLOW);
    const traded = MUST_ALLOW.filter(r => allowed.get(r.id) !== 'Allowed').map(r => r.id);
    figures.push(`AgentRole with every opt-in rule (${ActionCatalog.optInRuleIds().length}): class c open ${open(d, byClass('c')).length}/${byClass('c').length} `
      + `(denied now: ${closed.join(', ')}); must-allow refused as the trade-off: ${traded.join(', ')}`);
    expect(traded.every(id => optInActions.has(MUST_ALLOW.find(r => r.id === id)!.action))).toBe(true);
  });

  test('work on what the agent owns (tagged ephemeral at creation) stays allowed when ephemeral deletes are', async () => {
    const results: string[] = [];
    for (const [name, set] of [['AgentRole (allowEphemeralDeletes)', roleSet({ allowEphemeralDeletes: true })], ['AgentScp (allowEphemeralDeletes)', scpSet({ allowEphemeralDeletes: true })]] as Array<[string, PolicySet]>) {
      const d = await decide(set, MUST_ALLOW_EPHEMERAL);
      expect(errors(d)).toEqual([]);
      const refused = MUST_ALLOW_EPHEMERAL.filter(r => d.get(r.id) !== 'Allowed').map(r => `${name} ${r.id}: ${d.get(r.id)}`);
      results.push(...refused);
      figures.push(`${name}: ephemeral must-allow ${MUST_ALLOW_EPHEMERAL.length - refused.length}/${MUST_ALLOW_EPHEMERAL.length}`);
    }
    expect(results).toEqual([]);
  });
});

import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildGuardedAccountApp } from '../../examples/guarded-account';
import { CATALOG_JSON } from '../../scripts/catalog/generate';
import { generatePacks, PACKS_JSON } from '../../scripts/catalog/packs';
import { ActionCatalog, ActionCategory, AgentRole, AgentScp, DestructiveCallAlarm, PolicyBudget, PolicyPacker } from '../../src';
import { matches, matchNames } from '../../src/policy/private/patterns';
import {
  hasToken, PACKS_FILE, PackStore, packKey, packStats, recordPacks, renderPacks, usePackStore, withoutPrecomputed,
} from '../../src/policy/private/precomputed';

// Regenerating the packs builds every construct of scripts/catalog/packs.ts with packing computed
// (about 10 s on 2 cores under load), and two reference apps are synthesized.
jest.setTimeout(120_000);

const ENV = { account: '111111111111', region: 'us-east-1' };

// aws-cdk-lib's built-in CloudFormation validation would double the time of the reference-app
// synths here and checks nothing this file is about; restored for the next file of the worker.
const validation = process.env.CDK_VALIDATION;
beforeAll(() => { process.env.CDK_VALIDATION = 'false'; });
afterAll(() => {
  if (validation === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = validation;
});

function templates(app: App): Record<string, unknown> {
  return Object.fromEntries(app.synth().stacks.map(s => [s.stackName, s.template]));
}

describe('generated packs', () => {
  test('the committed packs.json is what the catalog and the constructs generate (run `npx projen catalog`)', () => {
    const committed = fs.readFileSync(PACKS_JSON, 'utf8');
    expect(committed === generatePacks()).toBe(true);
  });

  test('packs.json was generated from the committed catalog, and the library reads that file', () => {
    const digest = createHash('sha256').update(fs.readFileSync(CATALOG_JSON)).digest('hex');
    expect(JSON.parse(fs.readFileSync(PACKS_JSON, 'utf8')).catalog).toBe(digest);
    expect(ActionCatalog._digest()).toBe(digest);
    expect(path.resolve(PACKS_FILE)).toBe(path.resolve(PACKS_JSON));
  });
});

describe('lookups', () => {
  afterEach(() => usePackStore(undefined));

  test('the reference app is packed from the generated file alone, and synthesizes the same templates as when everything is computed', () => {
    const before = { ...packStats };
    const served = templates(buildGuardedAccountApp(new App()));
    expect(packStats.missed - before.missed).toBe(0);
    expect(packStats.file + packStats.memory - before.file - before.memory).toBeGreaterThan(10);
    const computed = withoutPrecomputed(() => templates(buildGuardedAccountApp(new App())));
    expect(JSON.stringify(served) === JSON.stringify(computed)).toBe(true);
  });

  test('a file generated from another catalog is never used: everything is computed, with the same result', () => {
    const generated = PackStore.read(PACKS_FILE);
    expect(generated.size).toBeGreaterThan(10);
    // The same entries, claiming another catalog (what a catalog change without `npx projen catalog` leaves).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packs-'));
    const stale = path.join(dir, 'packs.json');
    const text = fs.readFileSync(PACKS_FILE, 'utf8').replace(/"catalog": "[0-9a-f]{64}"/, `"catalog": "${'0'.repeat(64)}"`);
    fs.writeFileSync(stale, text);
    usePackStore(PackStore.read(stale));
    const build = () => {
      const app = new App();
      new AgentScp(new Stack(app, 'Org', { env: ENV }), 'Scp', { targetIds: ['r-ab12'], allowEphemeralDeletes: false });
      return templates(app);
    };
    const before = { ...packStats };
    const fromStale = build();
    expect(packStats.file - before.file).toBe(0);
    expect(packStats.missed - before.missed).toBeGreaterThan(0);
    usePackStore(undefined);
    expect(JSON.stringify(fromStale) === JSON.stringify(withoutPrecomputed(build))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an entry is served only for the catalog it was computed from', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packs-'));
    const file = path.join(dir, 'packs.json');
    fs.writeFileSync(file, renderPacks(new Map([['0123456789abcdef0123456789abcdef', { docs: [1] }]]), 'a'.repeat(64)));
    const store = PackStore.read(file);
    expect(store.get('0123456789abcdef0123456789abcdef', () => 'a'.repeat(64))).toEqual({ docs: [1] });
    expect(store.get('0123456789abcdef0123456789abcdef', () => 'b'.repeat(64))).toBeUndefined();
    expect(store.get('ffffffffffffffffffffffffffffffff', () => 'a'.repeat(64))).toBeUndefined();
    // Any other layout is read whole.
    fs.writeFileSync(file, JSON.stringify({ catalog: 'a'.repeat(64), entries: { '0123456789abcdef0123456789abcdef': { docs: [2] } } }));
    expect(PackStore.read(file).get('0123456789abcdef0123456789abcdef', () => 'a'.repeat(64))).toEqual({ docs: [2] });
    // A missing file holds nothing.
    expect(PackStore.read(path.join(dir, 'none.json')).size).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a key is the whole input: another budget, template, Sid prefix or event filter is another key', () => {
    const base = { actions: ['ec2:TerminateInstances'], budget: 6144, maxDocuments: 10, base: { Effect: 'Deny', Resource: '*' }, fixed: [], sidPrefix: 'Deny' };
    const keys = new Set([
      packKey('pack', JSON.stringify(base)),
      packKey('pack', JSON.stringify({ ...base, budget: 10240 })),
      packKey('pack', JSON.stringify({ ...base, base: { Effect: 'Deny', Resource: '*', Condition: { Null: { x: 'true' } } } })),
      packKey('pack', JSON.stringify({ ...base, sidPrefix: 'Deny2' })),
      packKey('pack', JSON.stringify({ ...base, maxDocuments: 9 })),
      packKey('compress', JSON.stringify({ actions: base.actions })),
      packKey('events', JSON.stringify({ actions: base.actions, budget: 2048, maxPatterns: 300, extra: '{"a":1}' })),
      packKey('events', JSON.stringify({ actions: base.actions, budget: 2048, maxPatterns: 300, extra: '{"a":2}' })),
    ]);
    expect(keys.size).toBe(8);
  });

  test('a template with a token: the split into documents is computed, never looked up or kept', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const template = new iam.PolicyStatement({ effect: iam.Effect.DENY, resources: [stack.formatArn({ service: 's3', resource: 'b' })] });
    expect(hasToken(JSON.stringify(template.toStatementJson()))).toBe(true);
    expect(hasToken(JSON.stringify({ Resource: 'arn:aws:s3:::b' }))).toBe(false);
    const before = { ...packStats };
    const r = PolicyPacker.pack({ actions: ['s3:DeleteBucket'], template });
    PolicyPacker.pack({ actions: ['s3:DeleteBucket'], template });
    // Only the compressed patterns of the actions (no token there) are looked up: once missed, then from memory.
    expect([packStats.missed - before.missed, packStats.memory - before.memory, packStats.file - before.file]).toEqual([1, 1, 0]);
    expect(r.documents[0].json).toContain('${Token[');
  });

  test('custom sets (not generated) are computed, then kept for the rest of the process', () => {
    const actions = ActionCatalog.actions({ categories: [ActionCategory.DESTROY], services: ['ec2', 'rds'] });
    const before = { ...packStats };
    const first = PolicyPacker.pack({ actions, budget: PolicyBudget.custom('small', 700), maxDocuments: 50, sidPrefix: 'X' });
    expect(packStats.missed - before.missed).toBeGreaterThan(0);
    const again = PolicyPacker.pack({ actions, budget: PolicyBudget.custom('small', 700), maxDocuments: 50, sidPrefix: 'X' });
    expect(packStats.memory - before.memory).toBeGreaterThan(0);
    const computed = withoutPrecomputed(() => PolicyPacker.pack({ actions, budget: PolicyBudget.custom('small', 700), maxDocuments: 50, sidPrefix: 'X' }));
    for (const r of [first, again]) {
      expect(r.documents.map(d => d.json)).toEqual(computed.documents.map(d => d.json));
      const figures = (x: typeof r) => [x.patterns, x.actionsRequested, x.actionsCovered, x.charactersUsed];
      expect(figures(r)).toEqual(figures(computed));
    }
    // Results are copies: changing one does not change the next.
    first.patterns.push('x:y');
    first.documents[0].patterns.push('x:y');
    expect(PolicyPacker.pack({ actions, budget: PolicyBudget.custom('small', 700), maxDocuments: 50, sidPrefix: 'X' }).patterns).toEqual(computed.patterns);
  });

  test('errors are the same whether or not an input was packed before', () => {
    const actions = ActionCatalog.actions({ categories: [ActionCategory.DESTROY], services: ['ec2'] });
    const pack = (maxDocuments: number) => () => PolicyPacker.pack({ actions, budget: PolicyBudget.custom('tiny', 200), maxDocuments });
    const message = (() => {
      try {
        withoutPrecomputed(pack(1));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/need \d+ documents of at most 200 characters/);
    expect(pack(1000)().documents.length).toBeGreaterThan(1);
    expect(pack(1)).toThrow(message);
    expect(() => PolicyPacker.pack({ actions: ['ec2:NoSuchAction'] })).toThrow(/not in the action catalog/);
  });

  test('event patterns: looked up or computed, the same patterns', () => {
    const build = () => {
      const app = new App();
      new DestructiveCallAlarm(new Stack(app, 'A', { env: ENV }), 'Alarm', { services: ['ec2', 's3', 'lambda'], categories: [ActionCategory.DESTROY, ActionCategory.DISRUPT] });
      return templates(app);
    };
    expect(JSON.stringify(build()) === JSON.stringify(withoutPrecomputed(build))).toBe(true);
    const r = PolicyPacker.packEventPatterns({ actions: ActionCatalog.actions({ services: ['lambda', 's3'] }), extraDetailJson: '{"x":[1]}' });
    const c = withoutPrecomputed(() => PolicyPacker.packEventPatterns({ actions: ActionCatalog.actions({ services: ['lambda', 's3'] }), extraDetailJson: '{"x":[1]}' }));
    expect(r).toEqual(c);
  });

  test('recording computes every input and records each entry once', () => {
    const entries = recordPacks(() => {
      new AgentRole(new Stack(new App(), 'R', { env: ENV }), 'Agent', { assumedBy: new iam.AccountPrincipal(ENV.account) });
    });
    expect(entries.size).toBeGreaterThan(3);
    expect([...entries.values()].every(e => e && typeof e === 'object')).toBe(true);
  });
});

describe('expand', () => {
  const reference = (patterns: string[]): string[] => {
    const out = new Set<string>();
    for (const p of patterns) {
      const i = p.indexOf(':');
      const svc = p.slice(0, i).toLowerCase();
      for (const n of ActionCatalog.actionsOfService(svc)) if (matches(p.slice(i + 1), n)) out.add(`${svc}:${n}`);
    }
    return [...out].sort();
  };

  test.each([
    [['ec2:Terminate*', 'EC2:terminateinstances', 's3:Delete*', 's3:deleteobject', 'iam:*']],
    [['ec2:*Instances', 'ec2:Terminate?nstances', 'ec2:T*I*s', 's3:Get*Tagging', 'lambda:InvokeFunction*']],
    [['ec2:Terminate', 'ec2:', 'ec2:*', 'nosuchservice:Delete*', 'ec2:Describe.*', 'ec2:(Delete)*', 'ec2:[D]elete*']],
    [['ec2:\u212Aill*', 'ec2:Describe\u017F*', 'ec2:DESCRIBE*', 'rds:delete*', 'apigateway:DELETE', 'apigateway:delete']],
  ])('%j matches what the regular expression of each pattern matches', patterns => {
    expect(PolicyPacker.expand(patterns)).toEqual(reference(patterns));
  });

  test('the compressed default set expands to the set', () => {
    const set = ActionCatalog.actions();
    const patterns = PolicyPacker.compress(set);
    expect(PolicyPacker.expand(patterns)).toEqual(reference(patterns));
    expect(PolicyPacker.expand(patterns)).toEqual([...set].sort());
  });

  test('matchNames agrees with matches, on ASCII and other names', () => {
    const names = ['DeleteBucket', 'deleteObject', 'Describe\u017Fx', '\u212Aey', 'Key', 'Get.Thing', 'G(et)'];
    const lower = names.map(n => n.toLowerCase());
    for (const p of ['Delete*', 'delete*', '*', 'Describes*', 'key', 'Key', 'kEY*', 'Get.*', 'Get?Thing', 'G(et)', '', '*e*']) {
      const expected = names.filter(n => matches(p, n));
      expect(matchNames(p, names, lower, false)).toEqual(expected);
      expect(matchNames(p, names.slice(4), lower.slice(4), true)).toEqual(names.slice(4).filter(n => matches(p, n)));
    }
  });
});

import { createHash } from 'crypto';
import * as fs from 'fs';
import { CATALOG_JSON } from '../../scripts/catalog/generate';
import { CatalogSource } from '../../src/catalog/private/catalog-source';

const TEXT = fs.readFileSync(CATALOG_JSON, 'utf8');
const DATA = JSON.parse(TEXT);

/** Everything a source answers, section by section, as plain data. */
function answers(source: CatalogSource): unknown {
  const services = source.services();
  return {
    head: source.head,
    sets: source.actionSets(),
    rules: source.ruleData(),
    services: Object.fromEntries(services.map(s => [s, source.service(s)])),
    headers: Object.fromEntries(services.map(s => [s, source.header(s)])),
  };
}

/** What a full JSON.parse of the text says. */
function expected(data: any): unknown {
  const { sets, rules, services, ...head } = data;
  return {
    head,
    sets,
    rules,
    services,
    headers: Object.fromEntries(Object.entries<any>(services).map(([k, v]) => {
      const { actions, ...header } = v;
      return [k, header];
    })),
  };
}

/** Compares without key order (the lazy head is the file's head; the full parse keeps the same order anyway). */
function same(a: unknown, b: unknown): void {
  expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
}

describe('catalog source', () => {
  test('the committed catalog, read section by section, says what a full JSON.parse says', () => {
    const source = CatalogSource.fromText(TEXT);
    // Headers first (from the text before each service's actions), then whole services.
    const headers = Object.fromEntries(source.services().map(s => [s, source.header(s)]));
    same(headers, (expected(DATA) as any).headers);
    same(answers(source), expected(DATA));
    expect(source.services()).toEqual(Object.keys(DATA.services));
  });

  test('a service is parsed only when asked for', () => {
    const source = CatalogSource.fromText(TEXT);
    expect(source.service('ec2')!.actions.length).toBe(DATA.services.ec2.actions.length);
    expect(source.service('nosuchservice')).toBeUndefined();
    expect(source.header('nosuchservice')).toBeUndefined();
    expect(source.service('constructor')).toBeUndefined();
  });

  test.each([
    ['minified', JSON.stringify(DATA)],
    ['pretty-printed', JSON.stringify(DATA, null, 2)],
    ['the generator\'s layout with one service line indented differently', TEXT.replace('\n    "ec2": {', '\n   "ec2": {')],
  ])('another layout (%s) is read whole, with the same answers', (_name, text) => {
    same(answers(CatalogSource.fromText(text)), expected(DATA));
  });

  test('a service whose actions are not its last field: the header comes from the whole line', () => {
    const line = TEXT.split('\n').find(l => l.startsWith('    "s3": '))!;
    const moved = line.replace(/"rcp":true,"actions":(\[.*\])\}(,?)$/, '"actions":$1,"rcp":true}$2');
    expect(moved).not.toBe(line);
    const source = CatalogSource.fromText(TEXT.replace(line, moved));
    expect(source.header('s3')!.rcp).toBe(true);
    expect(source.header('s3')!.eventSource).toBe('s3.amazonaws.com');
  });

  test('the digest is the SHA-256 of the text', () => {
    expect(CatalogSource.fromText(TEXT).digest()).toBe(createHash('sha256').update(TEXT).digest('hex'));
    expect(CatalogSource.fromText(TEXT + ' ').digest()).not.toBe(CatalogSource.fromText(TEXT).digest());
  });
});

/**
 * Which cfn-lint findings the pinned action data explains (shared by the organization roll-out's
 * cfn-lint tests).
 */
import { ActionCatalog } from '../../src';
import { CfnLintFinding } from '../cfn-lint/lint';

/** A W3037 finding is explained when every action element it can be about exists in the pinned Service Authorization data. */
export function explainedByPinnedData(f: CfnLintFinding, templates: Map<string, unknown>): boolean {
  if (f.Rule.Id !== 'W3037') return false;
  const token = /^'([^']+)' is not one of /.exec(f.Message)?.[1]?.toLowerCase();
  if (token === undefined) return false;
  let value: unknown = templates.get(f.Filename);
  for (const key of f.Location.Path ?? []) value = (value as any)?.[key];
  const elements = (Array.isArray(value) ? value : [value]).filter((e): e is string => typeof e === 'string')
    .filter(e => { const [s, n = ''] = e.toLowerCase().split(':'); return s === token || n === token; });
  if (elements.length === 0) return false;
  return elements.every(e => {
    const re = new RegExp(`^${e.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    const hits = ActionCatalog.allActions().filter(a => re.test(a));
    return hits.length > 0 && hits.every(a => ActionCatalog.has(a));
  });
}

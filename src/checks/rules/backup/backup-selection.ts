import { AgentIdentity } from '../../../identity';
import { GuardrailLayer } from '../../guardrail-finding';
import { TemplateResource, tagsOf } from '../../private/assembly';
import { asList, referencedIds, resolve } from '../../private/intrinsics';
import { StatefulResources } from '../../private/stateful';
import { GuardrailRule, RuleContext, RuleHit } from '../rule';

interface Selection {
  readonly tags: Array<[string, string]>;
  readonly all: boolean;
  readonly stackIds: Set<string>;
  readonly resource: TemplateResource;
}

/** AG-BAK2: stateful resources AWS Backup supports are selected by a backup plan. */
export class BackupSelectionRule extends GuardrailRule {
  public readonly id = 'AG-BAK2';
  public readonly name = 'Stateful resource outside every backup plan';
  public readonly layer = GuardrailLayer.BACKUP;
  public readonly checks = `Every stateful resource of a type AWS Backup supports is selected by some AWS::Backup::BackupSelection of the app: by a tag the selection names (ListOfTags STRINGEQUALS, or a Conditions StringEquals on aws:ResourceTag; GuardrailBackup selects ${AgentIdentity.BACKUP_TAG_KEY}=${AgentIdentity.BACKUP_TAG_VALUE}), by a reference in its Resources, or by Resources "*".`;
  public readonly why = 'Retain and deletion protection keep a resource from being deleted; only a backup brings back data that was overwritten, dropped or deleted from inside (DROP TABLE, s3 rm).';
  public readonly fix = `Add a GuardrailBackup to the app and apply Protection.of(scope).apply() (it tags supported resources ${AgentIdentity.BACKUP_TAG_KEY}=${AgentIdentity.BACKUP_TAG_VALUE}), or tag the resource, or list it in backupResources.`;

  public evaluate(context: RuleContext): RuleHit[] {
    const selections: Selection[] = context.ofType('AWS::Backup::BackupSelection').map(s => {
      const sel = ((s.properties.BackupSelection ?? {}) as Record<string, unknown>);
      const resolved = resolve(sel, s.stack.env) as Record<string, unknown>;
      const tags: Array<[string, string]> = [];
      for (const t of asList(resolved.ListOfTags)) {
        const x = t as Record<string, unknown>;
        if (x?.ConditionType === 'STRINGEQUALS' && typeof x.ConditionKey === 'string' && typeof x.ConditionValue === 'string') tags.push([x.ConditionKey, x.ConditionValue]);
      }
      const cond = (resolved.Conditions ?? {}) as Record<string, unknown>;
      for (const c of asList(cond.StringEquals)) {
        const x = c as Record<string, unknown>;
        const key = typeof x?.ConditionKey === 'string' ? /^aws:ResourceTag\/(.+)$/.exec(x.ConditionKey) : null;
        if (key && typeof x.ConditionValue === 'string') tags.push([key[1], x.ConditionValue]);
      }
      return { tags, all: asList(resolved.Resources).includes('*'), stackIds: referencedIds(sel.Resources), resource: s };
    });
    return context.stateful().filter(r => StatefulResources.isBackupSupported(r)).flatMap(r => {
      const tags = tagsOf(r);
      const selected = selections.some(s => s.all
        || (s.resource.stack === r.stack && s.stackIds.has(r.logicalId))
        || s.tags.some(([k, v]) => tags.get(k) === v));
      if (selected) return [];
      const why = selections.length === 0
        ? 'the app has no backup selection'
        : `no backup selection names it or one of its tags (${tags.size ? [...tags.keys()].join(', ') : 'it has no tags'})`;
      return [{ resource: r, message: `${r.type} ${r.logicalId} is not selected by any backup plan: ${why}.` }];
    });
  }
}

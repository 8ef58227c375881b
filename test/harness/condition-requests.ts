/**
 * Requests that satisfy a catalog rule's (or a plan group's) conditions, for evaluation tests.
 * Negated operators hold when the key is absent, so their key is left out, except the resource's
 * account and organization, which the harness always sends (as AWS does): those get a value the
 * rule's values cannot be.
 */
import { ACCOUNT, REGION } from './index';
import { likeValue } from '../monitoring/records';

/** A condition as the catalog and the deny plan state it. */
export interface ConditionLike {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** The parts of a request that make every condition hold. */
export interface ConditionRequest {
  readonly requestTags?: Record<string, string>;
  readonly context?: Record<string, string | string[]>;
  readonly resourceAccount?: string;
}

/** Request tags and context under which every condition holds; throws for an operator it does not know. */
export function requestShape(conditions: ConditionLike[], what: string): ConditionRequest {
  let requestTags: Record<string, string> | undefined;
  const context: Record<string, string | string[]> = {};
  for (const c of conditions) {
    const [first] = c.values;
    if (c.operator === 'ForAnyValue:StringEqualsIgnoreCase' && c.key === 'aws:TagKeys') {
      requestTags = { [first]: 'true' };
    } else if (c.operator === 'Null') {
      // 'true': the key is absent from the request; 'false': present.
      if (first === 'false') context[c.key] = 'present';
    } else if (c.operator === 'StringEquals' || c.operator === 'StringEqualsIgnoreCase') {
      context[c.key] = first;
    } else if (c.operator === 'ForAnyValue:StringEquals') {
      context[c.key] = [first];
    } else if (c.operator === 'StringLike') {
      context[c.key] = likeValue(first);
    } else if (c.operator === 'NumericLessThan') {
      context[c.key] = String(Number(first) - 1);
    } else if (c.operator === 'StringNotEquals' && /^aws:Resource(Account|OrgID)$/.test(c.key)) {
      // A value the rule's values (literal, or a policy variable such as ${aws:PrincipalAccount}) cannot be.
      context[c.key] = first.includes('${') ? (/Account$/.test(c.key) ? '999999999999' : 'o-elsewhere0') : `${first}-other`;
    } else if (/^(ArnNotLike|StringNotLike|StringNotEquals)$/.test(c.operator)) {
      /* absent: the negated condition holds */
    } else {
      throw new Error(`${what}: no request shape for the condition ${c.operator} ${c.key}; extend test/harness/condition-requests.ts`);
    }
  }
  const resourceAccount = typeof context['aws:ResourceAccount'] === 'string' ? context['aws:ResourceAccount'] as string : undefined;
  return { requestTags, context: Object.keys(context).length ? context : undefined, resourceAccount };
}

/** A resource ARN that a rule's resource pattern matches (account and Region fields filled in). */
export function resourceFor(pattern: string): string {
  const [arn, partition, service, region, account, ...rest] = pattern.split(':');
  const fill = (v: string, value: string) => (v === '*' ? value : likeValue(v));
  return [arn, fill(partition, 'aws'), service, fill(region, REGION), fill(account, ACCOUNT), likeValue(rest.join(':'))].join(':');
}

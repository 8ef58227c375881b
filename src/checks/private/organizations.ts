import { TemplateResource } from './assembly';
import { asList, resolve } from './intrinsics';

/** An organization policy as the checks see it. */
export interface OrgPolicy {
  readonly resource: TemplateResource;
  readonly kind: 'SCP' | 'RCP';
  /** Characters of the content as sent to AWS Organizations. */
  readonly characters: number;
  /** Target IDs (resolved, or markers for references). */
  readonly targets: string[];
}

/** Reads SCPs and RCPs of an app. */
export class OrgPolicies {
  public static of(context: { ofType(type: string): TemplateResource[] }): OrgPolicy[] {
    const out: OrgPolicy[] = [];
    for (const r of context.ofType('AWS::Organizations::Policy')) {
      const type = r.properties.Type;
      const kind = type === 'SERVICE_CONTROL_POLICY' ? 'SCP' : type === 'RESOURCE_CONTROL_POLICY' ? 'RCP' : undefined;
      if (!kind) continue;
      const content = resolve(r.properties.Content, r.stack.env);
      const characters = typeof content === 'string' ? content.length : JSON.stringify(content ?? {}).length;
      const targets = asList(resolve(r.properties.TargetIds, r.stack.env)).map(t => typeof t === 'string' ? t : JSON.stringify(t));
      out.push({ resource: r, kind, characters, targets });
    }
    return out;
  }

  private constructor() {}
}

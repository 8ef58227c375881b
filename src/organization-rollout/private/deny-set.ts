/**
 * The agent denies as customer managed policies that live in every account (for roles that
 * IAM cannot write to, such as Identity Center's): the same DenyPlan and the same statement
 * builders AgentRole renders, without anything tied to one role (passable roles, guarded ARNs).
 * The names are derived from the options alone, so the management account (the permission set)
 * and every member account (the policies) compute the same names.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AgentAccess } from '../../agent-role/agent-access';
import { boundaryDenyStatements, CDK_BOOTSTRAP_ADMIN_ROLE_PATTERNS, guardStatements, selfProtectionStatements } from '../../agent-role/private/statements';
import { ActionCatalog } from '../../catalog/action-catalog';
import { ActionCategory } from '../../catalog/action-category';
import { EnforcementPoint } from '../../catalog/catalog-rule';
import { AgentIdentity } from '../../identity/agent-identity';
import { DenyPlan } from '../../policy/deny-plan';
import { PolicyBudget } from '../../policy/policy-budget';
import { setActions } from '../../policy/private/guards';
import { documentSize } from '../../policy/private/packing';
import { packStatements, planGroups } from '../../policy/private/render';
import { inputError } from '../../private/errors';

/** Default prefix of the deny policies' names. */
export const DEFAULT_DENY_POLICY_PREFIX = 'guardrails-agent-sso';

/** A customer managed policy name: 1 to 128 of letters, digits and `+=,.@_-`. */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/** What `renderDenySet` needs. */
export interface DenySetInput {
  readonly categories?: ActionCategory[];
  readonly denyDisruptive?: boolean;
  readonly policyNamePrefix?: string;
}

/** The rendered deny set. */
export interface DenySet {
  /** Deny policies: name and statements. */
  readonly denies: Array<{ name: string; statements: any[]; characters: number }>;
  /** The permissions boundary: name and statements. */
  readonly boundary: { name: string; statements: any[]; characters: number };
  /** Path of every policy. */
  readonly path: string;
  /** The plan the deny policies render. */
  readonly plan: DenyPlan;
  /** Catalog actions the deny policies cover. */
  readonly actionsCovered: number;
}

/** Validates the shared options; throws the library's input error for `construct` at `path`. */
export function validateDenySetInput(construct: string, path: string, input: DenySetInput): void {
  const fail = (m: string) => inputError(construct, path, m);
  if (input.categories !== undefined) {
    if (input.categories.length === 0) {
      throw fail(`categories: [] denies nothing but the guard rules. Omit categories for the default (${ActionCatalog.defaultCategories().join(', ')}), or name at least one ActionCategory.`);
    }
    for (const c of input.categories) {
      if (!Object.values(ActionCategory).includes(c)) throw fail(`categories: '${c}' is not an ActionCategory. Use ${Object.values(ActionCategory).join(', ')}.`);
    }
  }
  const prefix = input.policyNamePrefix;
  if (prefix !== undefined && (!POLICY_NAME.test(prefix) || prefix.length > 110)) {
    throw fail(`policyNamePrefix: '${prefix}' cannot start an IAM policy name. Use 1 to 110 letters, digits and +=,.@_- (the suffix '-boundary' or '-deny-<n>' is added), e.g. '${DEFAULT_DENY_POLICY_PREFIX}'.`);
  }
}

const cache = new Map<string, DenySet>();

/** Renders the deny set (cached by options: packing the whole catalog takes a moment). */
export function renderDenySet(scope: Construct, input: DenySetInput, what: string): DenySet {
  const chosen = input.categories ?? ActionCatalog.defaultCategories();
  const categories = [...new Set([...chosen, ...(input.denyDisruptive ? [ActionCategory.DISRUPT] : [])])].sort();
  const prefix = input.policyNamePrefix ?? DEFAULT_DENY_POLICY_PREFIX;
  const key = JSON.stringify([categories, prefix]);
  const hit = cache.get(key);
  if (hit) return hit;

  const plan = DenyPlan.of({ point: EnforcementPoint.IDENTITY, categories });
  const boundaryPlan = DenyPlan.of({ point: EnforcementPoint.BOUNDARY, categories });
  // Nothing is passable and nothing but the CDK bootstrap roles is protected by name: a role of
  // Identity Center has no per-role configuration.
  const self = selfProtectionStatements({ passableRoleArns: [], protectedRoleArns: [...CDK_BOOTSTRAP_ADMIN_ROLE_PATTERNS] });
  const units: any[][] = [
    self.map(st => st.toStatementJson()),
    [new iam.PolicyStatement({ sid: 'DenyCreatePrincipals', effect: iam.Effect.DENY, actions: setActions('agent.create-principals'), resources: ['*'] }).toStatementJson()],
    guardStatements({ arns: [] }).map(st => st.toStatementJson()),
  ];
  const packed = packStatements(units, planGroups(plan, { sidPrefix: 'Deny', what }), PolicyBudget.MANAGED_POLICY, { what, decreasing: true });

  // The boundary AgentRole gives a developer-level agent: the most the role can ever do, the
  // denies enforceable in a boundary, and the no-escape denies.
  const developer = AgentAccess.developer()._bind(scope);
  const boundaryDenies = boundaryDenyStatements(boundaryPlan);
  const boundaryStatements = [...developer.boundaryStatements, ...boundaryDenies, ...self].map(st => st.toStatementJson());
  const boundarySize = documentSize(boundaryStatements);
  if (boundarySize > PolicyBudget.MANAGED_POLICY.maxCharacters) {
    throw new Error(`${what}: the permissions boundary needs ${boundarySize} characters, over the ${PolicyBudget.MANAGED_POLICY.maxCharacters} of a managed policy.`);
  }
  const set: DenySet = {
    denies: packed.documents.map((statements, i) => ({ name: `${prefix}-deny-${i + 1}`, statements, characters: documentSize(statements) })),
    boundary: { name: `${prefix}-boundary`, statements: boundaryStatements, characters: boundarySize },
    path: AgentIdentity.AGENT_ROLE_PATH,
    plan,
    actionsCovered: packed.actionsRequested,
  };
  cache.set(key, set);
  return set;
}

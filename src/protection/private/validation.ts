import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { inputError } from '../../private/errors';

/** Prefix of every warning id this layer emits. */
export const WARNING_PREFIX = 'cdk-agent-guardrails';

/**
 * The whole number of days in a Duration, or undefined when it is an unresolved token.
 * Callers must treat undefined as "unknown", never as a pass.
 */
export function daysOf(duration: Duration): number | undefined {
  if (duration.isUnresolved()) {
    return undefined;
  }
  return duration.toDays({ integral: false });
}

/** True for removal policies that keep the data (RETAIN, SNAPSHOT, RETAIN_ON_UPDATE_OR_DELETE). */
export function keepsData(policy: RemovalPolicy | undefined): boolean {
  return policy === undefined
    || policy === RemovalPolicy.RETAIN
    || policy === RemovalPolicy.SNAPSHOT
    || policy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}

/**
 * Collects the unsafe choices a user made on a Protected* construct.
 *
 * Without the explicit opt-out the construct refuses them all in one error; with it, each one
 * becomes a warning on the construct.
 */
export class UnsafeChoices {
  private readonly found: string[] = [];

  constructor(private readonly constructName: string) {}

  /** Records an unsafe choice when `condition` is true. */
  public check(condition: boolean, description: string): void {
    if (condition) {
      this.found.push(description);
    }
  }

  /**
   * Throws unless the user opted out; returns the list of unsafe choices. Each choice reads
   * `prop: value (what it allows)`, so the error names the prop, the value and the fix.
   */
  public enforce(scopePath: string, allowUnprotected: boolean | undefined): string[] {
    if (this.found.length > 0 && allowUnprotected !== true) {
      const one = this.found.length === 1;
      throw inputError(this.constructName, scopePath,
        `${this.found.join('; ')}. ${this.constructName} refuses ${one ? 'this setting' : 'these settings'}: `
        + `remove ${one ? 'it' : 'them'} to keep the default protection, or set allowUnprotected: true to accept the risk of losing this resource.`);
    }
    return [...this.found];
  }
}

/** Adds one warning per unsafe choice the user accepted with allowUnprotected. */
export function warnUnsafe(scope: IConstruct, constructName: string, choices: string[]): void {
  for (const choice of choices) {
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:${constructName}.unprotected`,
      `${constructName} is NOT fully protected (allowUnprotected: true): ${choice}.`);
  }
}

/** True when a value is a token whose value is unknown at synth time. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/**
 * One format for every error the library throws on bad input:
 *
 *   AgentRole 'App/Stack/Agent': maxSessionDuration: 13 hours is outside ... Set ... .
 *
 * The construct's class and path come first, then the prop, the value received and the fix.
 * Private to the library: not exported from the package index.
 */
import { IConstruct } from 'constructs';

/** An error about a construct's input, thrown at construction (synth) time. */
export class GuardrailInputError extends Error {
  constructor(
    /** Class of the construct, e.g. `AgentRole`. */
    public readonly construct: string,
    /** Construct path, e.g. `App/Stack/Agent`. */
    public readonly path: string,
    message: string,
  ) {
    super(`${construct} '${path}': ${message}`);
    this.name = 'GuardrailInputError';
  }
}

/** The path a construct has, or will have once created under `scope` with `id`. */
export function constructPath(scope: IConstruct, id?: string): string {
  if (id === undefined) return scope.node.path;
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/** Builds the error for bad input of `construct` (a class name) at `path`. */
export function inputError(construct: string, path: string, message: string): GuardrailInputError {
  return new GuardrailInputError(construct, path, message);
}

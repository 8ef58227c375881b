/**
 * Where the emulator's EventBridge (moto 5.2.1) delivers differently from the library's matcher
 * (`EventPatternMatcher`, which follows the EventBridge documentation), on the events of
 * eventbridge.integ.ts. A difference not covered by an entry here fails that test; an entry
 * that covers no difference in a run fails it too, so the list only holds observed gaps.
 *
 * Each entry names the moto behaviour (with the code that does it) and the EventBridge
 * documentation the library follows.
 */
export interface EmulatorGap {
  /** Short stable identifier, printed in the run's summary. */
  readonly id: string;
  /** What moto does, and where in moto it is done. */
  readonly motoBehaviour: string;
  /** The documented EventBridge behaviour the library's matcher follows. */
  readonly documented: string;
  /** The EventBridge documentation page. */
  readonly url: string;
  /** Whether one difference (a rule's pattern, an event, and the two answers) is this gap. */
  covers(difference: PatternDifference): boolean;
}

/** One (rule, event) pair on which moto and the library's matcher disagree. */
export interface PatternDifference {
  readonly rule: string;
  readonly pattern: any;
  readonly event: any;
  /** The library's matcher says the pattern matches the event. */
  readonly matcher: boolean;
  /** moto delivered the event to the rule's queue. */
  readonly moto: boolean;
}

/**
 * Observed gaps. Empty while moto and the matcher agree on every (event, rule) pair of the
 * battery; moto behaviours that differ from EventBridge but that the library's patterns do not
 * reach are listed in docs/integration-tests.md, not here.
 */
export const EMULATOR_GAPS: EmulatorGap[] = [];

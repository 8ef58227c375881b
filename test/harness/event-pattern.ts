/**
 * EventBridge pattern matching for tests: the library's own matcher (used by the checks
 * layer), which implements the documented semantics and throws on unknown operators, so a
 * pattern it does not understand never passes. test/monitoring/matcher.test.ts checks it
 * on documented behaviours.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
import { EventPatternMatcher } from '../../src/checks/private/event-pattern';

export function matchesPattern(pattern: any, event: any): boolean {
  return EventPatternMatcher.matches(pattern, event);
}

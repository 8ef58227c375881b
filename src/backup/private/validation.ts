import { Duration, Token } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';

/** Days of a duration, fractional allowed; undefined when the duration is a token. */
export function daysOf(d: Duration): number | undefined {
  if (d.isUnresolved()) return undefined;
  return d.toDays({ integral: false });
}

/** A duration for error messages. */
export function show(d: Duration): string {
  return d.isUnresolved() ? '(token)' : d.toHumanString();
}

// AWS cron: minutes hours day-of-month month day-of-week year.
const CRON = /^cron\(([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+)\)$/;
const MINUTE = /^([0-5]?[0-9])$/;
const HOUR_ITEM = /^(\*|([01]?[0-9]|2[0-3])(-([01]?[0-9]|2[0-3]))?)(\/([1-9]|1[0-9]|2[0-3]))?$/;
const DOM_ITEM = /^(\*|\?|L|W|([1-9]|[12][0-9]|3[01])W?(-([1-9]|[12][0-9]|3[01]))?)(\/([1-9]|[12][0-9]|3[01]))?$/;
const MONTH_ITEM = /^(\*|([1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(-([1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))?)(\/([1-9]|1[0-2]))?$/;
const DOW_ITEM = /^(\*|\?|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])?(-([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT))?)$/;
const YEAR_ITEM = /^(\*|(19[7-9][0-9]|2[01][0-9][0-9])(-(19[7-9][0-9]|2[01][0-9][0-9]))?)(\/[1-9][0-9]?)?$/;

function listOk(field: string, item: RegExp): boolean {
  return field.split(',').every(part => item.test(part));
}

/**
 * Returns why a backup schedule is not acceptable to AWS Backup, or undefined if it is
 * (or cannot be known: a token).
 *
 * AWS Backup takes a six-field `cron(...)` expression that runs at most once an hour:
 * a single minute, and exactly one of day-of-month and day-of-week set to `?`.
 */
export function scheduleProblem(schedule: Schedule): string | undefined {
  const expr = schedule.expressionString;
  if (Token.isUnresolved(expr)) return undefined;
  const m = CRON.exec(expr);
  if (!m) {
    return 'it is not a six-field cron(minutes hours day-of-month month day-of-week year) expression';
  }
  const [, minute, hour, dom, month, dow, year] = m;
  if (!MINUTE.test(minute)) {
    return `the minutes field '${minute}' must be a single minute 0-59 (AWS Backup runs a rule at most once an hour)`;
  }
  if (!listOk(hour, HOUR_ITEM)) return `the hours field '${hour}' is not valid`;
  if (!listOk(dom, DOM_ITEM)) return `the day-of-month field '${dom}' is not valid`;
  if (!listOk(month, MONTH_ITEM)) return `the month field '${month}' is not valid`;
  if (!listOk(dow, DOW_ITEM)) return `the day-of-week field '${dow}' is not valid`;
  if (!listOk(year, YEAR_ITEM)) return `the year field '${year}' is not valid`;
  if ((dom === '?') === (dow === '?')) {
    return 'exactly one of day-of-month and day-of-week must be \'?\'';
  }
  return undefined;
}

/** ARN pattern accepted as an admin exception on `aws:PrincipalArn`. */
const PRINCIPAL_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|\*):iam::([0-9]{12}|\*):(root|role\/[\w+=,.@*\/-]+|user\/[\w+=,.@*\/-]+)$/;

/** Returns why an admin ARN pattern is unacceptable, or undefined. */
export function adminPatternProblem(pattern: string): string | undefined {
  if (Token.isUnresolved(pattern)) return undefined;
  if (!PRINCIPAL_ARN_PATTERN.test(pattern)) {
    return 'it is not an IAM role, user or root ARN (wildcards * allowed), e.g. arn:aws:iam::123456789012:role/BreakGlass';
  }
  return undefined;
}

/** Converts an IAM wildcard pattern (`*`, `?`) to an anchored regex. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

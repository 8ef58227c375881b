import * as events from 'aws-cdk-lib/aws-events';

/** One event field token per path, shared by every message (a field renders the same in any message). */
const FIELDS = new Map<string, string>();
const f = (path: string): string => {
  let field = FIELDS.get(path);
  if (field === undefined) FIELDS.set(path, field = events.EventField.fromPath(path));
  return field;
};

const HEADLINE: Record<string, string> = {
  CRITICAL: ':rotating_light: CRITICAL: a destructive call SUCCEEDED',
  DENIED: ':no_entry: DENIED: a destructive call was refused',
  TAMPERING: ':rotating_light: CRITICAL: a call on the guardrails themselves',
};

const RESULT: Record<string, string> = {
  CRITICAL: 'ALLOWED (the call succeeded: check what was lost)',
  DENIED: `refused with ${f('$.detail.errorCode')}`,
  TAMPERING: `${f('$.detail.errorCode')} (empty means it SUCCEEDED)`,
};

/**
 * The alert text, as an AWS Chatbot (Amazon Q Developer) custom notification so Slack renders
 * it; email subscribers receive the same JSON. Says who, what, where, the result, the safer
 * alternative (when the rule behind the pattern records one), how to ask the catalog why, and
 * links to the CloudTrail event history entry (which shows the full request parameters).
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export function alertMessage(severity: string, alternative?: string): events.RuleTargetInput {
  const region = f('$.detail.awsRegion');
  const eventId = f('$.detail.eventID');
  const link = `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`;
  return events.RuleTargetInput.fromObject({
    version: '1.0',
    source: 'custom',
    id: eventId,
    content: {
      textType: 'client-markdown',
      title: `${HEADLINE[severity]}: ${f('$.detail.eventSource')} ${f('$.detail.eventName')}`,
      description: [
        `*Who:* ${f('$.detail.userIdentity.arn')} (role ${f('$.detail.userIdentity.sessionContext.sessionIssuer.userName')})`,
        `*What:* ${f('$.detail.eventSource')} ${f('$.detail.eventName')} at ${f('$.detail.eventTime')}`,
        `*Where:* account ${f('$.detail.recipientAccountId')}, region ${region}, from ${f('$.detail.sourceIPAddress')}`,
        `*Result:* ${RESULT[severity]}`,
        ...(alternative ? [`*Instead:* ${alternative}`] : []),
        `*Why:* npx cdk-agent-guardrails explain ${f('$.detail.eventSource')} ${f('$.detail.eventName')}`,
        `*Event:* ${link}`,
      ].join('\n'),
      nextSteps: severity === 'DENIED'
        ? ['Open the event to see the request parameters (the resource).', 'Ask why the agent tried it; repeated attempts can fire the kill switch.']
        : ['Open the event to see the request parameters (the resource).', 'Revoke the agent role sessions if the kill switch is off (IAM console, Revoke active sessions).', 'Restore from backup (RECOVERY.md).'],
      keywords: [severity, 'cdk-agent-guardrails'],
    },
    metadata: {
      eventType: `cdk-agent-guardrails:${severity}`,
      summary: `${severity}: ${f('$.detail.eventName')} by ${f('$.detail.userIdentity.arn')}`,
      additionalContext: {
        eventId: eventId,
        account: f('$.detail.recipientAccountId'),
        region,
        errorCode: f('$.detail.errorCode'),
      },
    },
  });
}

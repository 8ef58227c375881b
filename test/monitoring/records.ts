/**
 * CloudTrail records as EventBridge delivers them ("AWS API Call via CloudTrail"), written
 * from the documented record format: the EventBridge envelope (version, id, detail-type,
 * source, account, time, region, resources) around the CloudTrail record in `detail`
 * (eventVersion, userIdentity with sessionContext.sessionIssuer for assumed roles,
 * eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent,
 * requestParameters, responseElements, errorCode/errorMessage when refused, requestID,
 * eventID, readOnly, eventType, managementEvent, recipientAccountId, eventCategory).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
export const ACCOUNT = '111111111111';

export interface Caller {
  /** Role path + name, e.g. '/guardrails-agent/claude-code'. */
  readonly rolePathAndName?: string;
  /** IAM user name, for a long-term-key caller. */
  readonly userName?: string;
  readonly sessionName?: string;
  readonly account?: string;
  /** The session's source identity (`sessionContext.sourceIdentity`), set when the first session of a chain set one. */
  readonly sourceIdentity?: string;
}

export const AGENT: Caller = { rolePathAndName: '/guardrails-agent/claude-code', sessionName: 'claude-session-1' };
export const NESTED_AGENT: Caller = { rolePathAndName: '/guardrails-agent/team-a/copilot', sessionName: 'copilot-run-7' };
export const SSO_ADMIN: Caller = { rolePathAndName: '/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef', sessionName: 'alice@example.com' };
export const PIPELINE: Caller = { rolePathAndName: '/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1', sessionName: 'AWSCloudFormation' };
export const LOOKALIKE: Caller = { rolePathAndName: '/guardrails-agents/not-an-agent', sessionName: 'x' };
export const IAM_USER: Caller = { userName: 'bob' };
/** An agent's session chained into a role that is not an agent role: the agent's source identity persists. */
export const CHAINED_AGENT: Caller = { rolePathAndName: '/cdk-hnb659fds-deploy-role-111111111111-us-east-1', sessionName: 'claude-session-1', sourceIdentity: 'guardrails-agent.claude-code' };
/** A session whose source identity looks like an agent's but is not one ('guardrails-agents.', not 'guardrails-agent.'). */
export const LOOKALIKE_SOURCE: Caller = { rolePathAndName: '/team/ops', sessionName: 'ops-1', sourceIdentity: 'guardrails-agents.ops' };

let counter = 0;

/** A value that matches an IAM or EventBridge wildcard pattern (`*`, `?`). */
export const likeValue = (pattern: string) => pattern.replace(/\*/g, 'x').replace(/\?/g, 'y');

/**
 * CloudTrail record fields that satisfy an EventBridge `detail` filter (a catalog rule's
 * `eventDetailJson`): the first value of each matcher. Throws on a matcher it cannot satisfy.
 */
export function satisfying(filter: unknown): any {
  if (Array.isArray(filter)) {
    // A matcher that gives a value, rather than `exists: false` (the field left out).
    const f = filter.find(x => !(x && typeof x === 'object' && (x as any).exists === false)) ?? filter[0];
    if (f === null || typeof f !== 'object') return f;
    const op = f as Record<string, any>;
    if ('numeric' in op) return Number(op.numeric[1]) - 1;
    if ('exists' in op) return op.exists ? 'present' : undefined;
    if ('wildcard' in op) return likeValue(op.wildcard);
    if ('prefix' in op) return `${op.prefix}x`;
    if ('anything-but' in op) {
      const but = op['anything-but'];
      return typeof but === 'string' ? `${but}-other` : 'arn:aws:iam::111111111111:role/other';
    }
    throw new Error(`no event value for the matcher ${JSON.stringify(op)}; extend test/monitoring/records.ts`);
  }
  if (filter && typeof filter === 'object') {
    const f = filter as Record<string, unknown>;
    // `$or`: the first branch.
    if (Array.isArray(f.$or)) return satisfying({ ...f.$or[0] as object, ...Object.fromEntries(Object.entries(f).filter(([k]) => k !== '$or')) });
    return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, satisfying(v)]));
  }
  throw new Error(`unexpected event filter ${JSON.stringify(filter)}`);
}

function userIdentity(c: Caller): any {
  const account = c.account ?? ACCOUNT;
  if (c.userName) {
    return { type: 'IAMUser', principalId: 'AIDAEXAMPLEEXAMPLE1', arn: `arn:aws:iam::${account}:user/${c.userName}`, accountId: account, accessKeyId: 'AKIAEXAMPLEEXAMPLE1', userName: c.userName };
  }
  const full = c.rolePathAndName!;
  const roleName = full.slice(full.lastIndexOf('/') + 1);
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEEXAMPLE1:${c.sessionName}`,
    // The assumed-role ARN carries no path; the session issuer's role ARN does.
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${c.sessionName}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEEXAMPLE1',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEEXAMPLE1', arn: `arn:aws:iam::${account}:role${full}`, accountId: account, userName: roleName },
      attributes: { creationDate: '2026-11-23T09:58:01Z', mfaAuthenticated: 'false' },
      ...(c.sourceIdentity !== undefined ? { sourceIdentity: c.sourceIdentity } : {}),
    },
  };
}

export interface CallOptions {
  readonly region?: string;
  readonly requestParameters?: any;
  readonly responseElements?: any;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly readOnly?: boolean;
  readonly dataEvent?: boolean;
  readonly resources?: any[];
}

/** One "AWS API Call via CloudTrail" event as the default event bus receives it. */
export function apiCall(caller: Caller, eventSource: string, eventName: string, o: CallOptions = {}): any {
  counter++;
  const region = o.region ?? 'us-east-1';
  const id = `0000000${counter}-1111-2222-3333-444444444444`.slice(-36);
  const detail: any = {
    eventVersion: o.dataEvent ? '1.09' : '1.08',
    userIdentity: userIdentity(caller),
    eventTime: '2026-11-23T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.22.0 md/command#ec2.terminate-instances',
    requestParameters: o.requestParameters ?? null,
    responseElements: o.errorCode ? null : (o.responseElements ?? null),
    requestID: `req-${counter}`,
    eventID: `evt-${counter}-5f1e-4c1b-9b4b-0123456789ab`,
    readOnly: o.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: !o.dataEvent,
    recipientAccountId: caller.account ?? ACCOUNT,
    eventCategory: o.dataEvent ? 'Data' : 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com` },
  };
  if (o.errorCode) {
    detail.errorCode = o.errorCode;
    detail.errorMessage = o.errorMessage ?? 'You are not authorized to perform this operation.';
  }
  if (o.resources) detail.resources = o.resources;
  return {
    'version': '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    'source': `aws.${eventSource.split('.')[0]}`,
    'account': caller.account ?? ACCOUNT,
    'time': '2026-11-23T10:00:00Z',
    region,
    'resources': [],
    detail,
  };
}

// ---- the four DESIGN.md scenarios ----

export const ec2Terminate = (c: Caller, denied = false) => apiCall(c, 'ec2.amazonaws.com', 'TerminateInstances', {
  requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc123def4567890' }] } },
  responseElements: denied ? undefined : { requestId: 'r', instancesSet: { items: [{ instanceId: 'i-0abc123def4567890', currentState: { code: 32, name: 'shutting-down' }, previousState: { code: 16, name: 'running' } }] } },
  errorCode: denied ? 'Client.UnauthorizedOperation' : undefined,
  errorMessage: denied ? 'You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/claude-code/claude-session-1 is not authorized to perform: ec2:TerminateInstances on resource: arn:aws:ec2:us-east-1:111111111111:instance/i-0abc123def4567890 with an explicit deny in a service control policy.' : undefined,
});
export const ec2Stop = (c: Caller) => apiCall(c, 'ec2.amazonaws.com', 'StopInstances', {
  requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc123def4567890' }] }, force: false },
});
export const ec2Describe = (c: Caller) => apiCall(c, 'ec2.amazonaws.com', 'DescribeInstances', { requestParameters: { instancesSet: {}, filterSet: {} }, readOnly: true });
export const ec2DeleteVpc = (c: Caller, denied = false) => apiCall(c, 'ec2.amazonaws.com', 'DeleteVpc', {
  requestParameters: { vpcId: 'vpc-0abc123' }, errorCode: denied ? 'Client.UnauthorizedOperation' : undefined,
});
export const ec2DeleteSubnet = (c: Caller, denied = false) => apiCall(c, 'ec2.amazonaws.com', 'DeleteSubnet', {
  requestParameters: { subnetId: 'subnet-0abc123' }, errorCode: denied ? 'Client.UnauthorizedOperation' : undefined,
});
export const rdsDeleteInstance = (c: Caller, denied = false) => apiCall(c, 'rds.amazonaws.com', 'DeleteDBInstance', {
  requestParameters: { dBInstanceIdentifier: 'prod-db', skipFinalSnapshot: true, deleteAutomatedBackups: true },
  errorCode: denied ? 'AccessDenied' : undefined,
  errorMessage: denied ? 'User: arn:aws:sts::111111111111:assumed-role/claude-code/claude-session-1 is not authorized to perform: rds:DeleteDBInstance on resource: arn:aws:rds:us-east-1:111111111111:db:prod-db with an explicit deny in an identity-based policy' : undefined,
});
export const rdsDescribe = (c: Caller) => apiCall(c, 'rds.amazonaws.com', 'DescribeDBInstances', { readOnly: true });
export const elasticacheDeleteRg = (c: Caller, denied = false) => apiCall(c, 'elasticache.amazonaws.com', 'DeleteReplicationGroup', {
  requestParameters: { replicationGroupId: 'prod-redis', retainPrimaryCluster: false }, errorCode: denied ? 'AccessDenied' : undefined,
});
export const s3DeleteObject = (c: Caller, denied = false) => apiCall(c, 's3.amazonaws.com', 'DeleteObject', {
  dataEvent: true,
  requestParameters: { 'bucketName': 'prod', 'Host': 'prod.s3.us-east-1.amazonaws.com', 'key': 'data/2026/11/orders.parquet', 'x-id': 'DeleteObject' },
  resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::prod/data/2026/11/orders.parquet' }, { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::prod' }],
  errorCode: denied ? 'AccessDenied' : undefined,
  errorMessage: denied ? 'Access Denied' : undefined,
});
/** `aws s3 rm --recursive` sends multi-object deletes: one DeleteObjects event per batch of up to 1,000 keys. */
export const s3DeleteObjects = (c: Caller, denied = false) => apiCall(c, 's3.amazonaws.com', 'DeleteObjects', {
  dataEvent: true,
  requestParameters: { bucketName: 'prod', Host: 'prod.s3.us-east-1.amazonaws.com', delete: '', Delete: { Object: [{ Key: 'data/2026/11/orders.parquet' }], Quiet: true } },
  resources: [{ accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::prod' }],
  errorCode: denied ? 'AccessDenied' : undefined,
  errorMessage: denied ? 'Access Denied' : undefined,
});
export const s3DeleteBucket = (c: Caller, denied = false) => apiCall(c, 's3.amazonaws.com', 'DeleteBucket', {
  requestParameters: { bucketName: 'prod', Host: 's3.us-east-1.amazonaws.com' },
  errorCode: denied ? 'AccessDenied' : undefined,
  errorMessage: denied ? 'Access Denied' : undefined,
});
export const s3GetObject = (c: Caller) => apiCall(c, 's3.amazonaws.com', 'GetObject', { dataEvent: true, readOnly: true, requestParameters: { bucketName: 'prod', key: 'a' } });
export const cfnDeleteStack = (c: Caller, denied = false) => apiCall(c, 'cloudformation.amazonaws.com', 'DeleteStack', {
  requestParameters: { stackName: 'ProdStack' }, errorCode: denied ? 'AccessDenied' : undefined,
});

import * as fs from 'fs';
import { bootstrapTemplate } from './bootstrap-template';
import { WorkloadRoles } from '../guarded-bootstrap';
import { GuardedBootstrapNames } from '../guarded-bootstrap-names';

export const BOOTSTRAP_TEMPLATE_USAGE = `Usage: cdk-agent-guardrails bootstrap-template [options]

Prints (or writes) the CloudFormation template of a guarded CDK bootstrap environment, to deploy
through an S3 bucket you own:
  aws cloudformation deploy --template-file <file> --stack-name GuardedAgentToolkit \\
    --s3-bucket <bucket> --capabilities CAPABILITY_NAMED_IAM --parameter-overrides Qualifier=<q>
(cdk bootstrap --template sends a template inline, up to 50 KiB of YAML, and this one is larger.)

  --qualifier <q>             default of the Qualifier parameter (default: ${GuardedBootstrapNames.DEFAULT_QUALIFIER})
  --agent-role-arn <arn>      an agent role that may deploy (repeatable); default: every role under
                              the agent path (/guardrails-agent/) of the account
  --workload-roles <mode>     off (default) | under-agent-scp | without-agent-scp
  --allow-ephemeral-deletes   the execution role may delete resources tagged guardrails:ephemeral=true
  --out <file>                write the template to <file> instead of standard output
`;

/** What the CDK CLI sends inline as a bootstrap template (aws-cdk: LARGE_TEMPLATE_SIZE_KB = 50, of YAML). */
const INLINE_LIMIT = 50 * 1024;

/** Output streams of the command (for tests). */
export interface BootstrapCliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const MODES: Record<string, WorkloadRoles> = {
  'off': WorkloadRoles.OFF,
  'under-agent-scp': WorkloadRoles.UNDER_AGENT_SCP,
  'without-agent-scp': WorkloadRoles.WITHOUT_AGENT_SCP,
};

/** `cdk-agent-guardrails bootstrap-template`; returns the exit code (0, or 2 on bad usage). */
export function bootstrapTemplateCommand(argv: string[], io: BootstrapCliIo): number {
  const args = [...argv];
  let qualifier: string | undefined;
  let out: string | undefined;
  let workloadRoles: WorkloadRoles | undefined;
  let allowEphemeralDeletes = false;
  const agentRoleArns: string[] = [];
  const value = (flag: string): string | undefined => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) {
      io.err(`${flag} needs a value.\n\n${BOOTSTRAP_TEMPLATE_USAGE}`);
      return undefined;
    }
    return v;
  };
  while (args.length > 0) {
    const flag = args.shift()!;
    let v: string | undefined;
    switch (flag) {
      case '--qualifier':
        if ((v = value(flag)) === undefined) return 2;
        qualifier = v;
        break;
      case '--agent-role-arn':
        if ((v = value(flag)) === undefined) return 2;
        agentRoleArns.push(v);
        break;
      case '--workload-roles':
        if ((v = value(flag)) === undefined) return 2;
        if (!(v in MODES)) {
          io.err(`--workload-roles: '${v}' is not one of ${Object.keys(MODES).join(', ')}.\n`);
          return 2;
        }
        workloadRoles = MODES[v];
        break;
      case '--allow-ephemeral-deletes':
        allowEphemeralDeletes = true;
        break;
      case '--out':
        if ((v = value(flag)) === undefined) return 2;
        out = v;
        break;
      default:
        io.err(`Unexpected argument: ${flag}.\n\n${BOOTSTRAP_TEMPLATE_USAGE}`);
        return 2;
    }
  }
  let template: unknown;
  try {
    template = bootstrapTemplate({ qualifier, agentRoleArns, workloadRoles, allowEphemeralDeletes });
  } catch (e) {
    io.err(`${(e as Error).message}\n`);
    return 2;
  }
  const text = JSON.stringify(template, undefined, 1) + '\n';
  if (out) {
    fs.writeFileSync(out, text);
    const q = qualifier ?? GuardedBootstrapNames.DEFAULT_QUALIFIER;
    io.err(`wrote ${out} (${JSON.stringify(template).length} bytes minified; cdk bootstrap --template sends at most ${INLINE_LIMIT} inline): `
      + `aws cloudformation deploy --template-file ${out} --stack-name GuardedAgentToolkit --s3-bucket <bucket> `
      + `--capabilities CAPABILITY_NAMED_IAM --parameter-overrides Qualifier=${q}\n`);
  } else {
    io.out(text);
  }
  return 0;
}

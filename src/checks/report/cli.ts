import * as fs from 'fs';
import * as path from 'path';
import { GuardrailReport } from './guardrail-report';
import { BOOTSTRAP_TEMPLATE_USAGE, bootstrapTemplateCommand } from '../../deploy/private/bootstrap-cli';

const USAGE = `Usage: cdk-agent-guardrails report [cdk.out] [--json]

Reads a synthesized cloud assembly (default: ./cdk.out), runs the guardrail rules over every
stack and prints, per stack and per layer, what is guarded, what is not, and why.

  --json    print JSON for pipelines instead of the table
  --help    print this help

Exit codes: 0 passed; 1 a required layer is missing or weak, or an error finding is open;
2 usage error or unreadable assembly.
`;

/** Output streams of the command (for tests). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * Runs the command with its arguments (without `node` and the script path) and returns the exit
 * code. Not part of the library's API: the `cdk-agent-guardrails` bin calls it.
 */
export function main(argv: string[], io: CliIo = { out: t => process.stdout.write(t), err: t => process.stderr.write(t) }): number {
  const args = [...argv];
  if (args[0] === 'bootstrap-template') {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(BOOTSTRAP_TEMPLATE_USAGE);
      return 0;
    }
    return bootstrapTemplateCommand(args.slice(1), io);
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${USAGE}\n${BOOTSTRAP_TEMPLATE_USAGE}`);
    return 0;
  }
  const command = args.shift();
  if (command !== 'report') {
    io.err(`${command === undefined ? 'No command given' : `Unknown command '${command}'`}.\n\n${USAGE}`);
    return 2;
  }
  const json = args.includes('--json');
  const rest = args.filter(a => a !== '--json');
  const unknown = rest.filter(a => a.startsWith('-'));
  if (unknown.length > 0 || rest.length > 1) {
    io.err(`Unexpected argument(s): ${[...unknown, ...rest.slice(1)].join(' ')}.\n\n${USAGE}`);
    return 2;
  }
  const directory = path.resolve(rest[0] ?? 'cdk.out');
  if (!fs.existsSync(path.join(directory, 'manifest.json'))) {
    io.err(`No cloud assembly at ${directory} (manifest.json not found). Run 'cdk synth' first, or pass the output directory.\n`);
    return 2;
  }
  let report: GuardrailReport;
  try {
    report = GuardrailReport.fromAssembly(directory);
  } catch (e) {
    io.err(`Cannot read the cloud assembly at ${directory}: ${(e as Error).message}\n`);
    return 2;
  }
  io.out(json ? report.toJson() + '\n' : report.toTable());
  return report.exitCode;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

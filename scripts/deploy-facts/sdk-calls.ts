/**
 * Lists the AWS SDK calls a `cdk ... -vvv` log records ("[SDK info] Service.Op({...}) -> OK"),
 * one per line, with the request fields that matter for the bootstrap contract and the outcome.
 * Template bodies are left out.
 *
 *   ts-node --transpile-only --project tsconfig.dev.json scripts/deploy-facts/sdk-calls.ts <log>
 */
import * as fs from 'fs';

const KEEP = ['StackName', 'RoleArn', 'RoleARN', 'Name', 'Parameters', 'EnableTerminationProtection', 'ChangeSetType', 'ImportExistingResources', 'Bucket', 'Key', 'TemplateURL', 'PolicyArn', 'PolicyName'];

function main(file: string): void {
  const re = /\[SDK (info|error)\] (?:(\[[^\]]*\]) )?([A-Za-z0-9]+\.[A-Za-z0-9]+)\((.*)\) -> (.*)$/;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const [, , retries, op, args, outcome] = m;
    let shown = '';
    try {
      const req = JSON.parse(args);
      const kept: Record<string, unknown> = {};
      for (const k of KEEP) if (req[k] !== undefined) kept[k] = req[k];
      shown = Object.keys(kept).length ? JSON.stringify(kept) : '';
    } catch {
      shown = '(request not shown)';
    }
    console.log(`${op} ${shown} -> ${outcome}${retries ? ` ${retries}` : ''}`.replace(/  +/g, ' '));
  }
}

main(process.argv[2]);

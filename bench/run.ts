/**
 * Benchmark entry point (`npm run bench`). Runs every suite in bench/suites in name order.
 * Each suite prints its figures as ratios against a baseline measured in the same run.
 *
 *   npm run bench                 # all suites
 *   npm run bench -- synth        # suites whose file name contains "synth"
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const dir = path.join(__dirname, 'suites');
  const suites = fs.readdirSync(dir).filter(f => f.endsWith('.ts')).sort()
    .filter(f => !filter || f.includes(filter));
  console.log(`cdk-agent-guardrails benchmarks — node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  for (const file of suites) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const suite = require(path.join(dir, file));
    console.log(`\n## ${file.replace(/\.ts$/, '')}`);
    await suite.run();
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

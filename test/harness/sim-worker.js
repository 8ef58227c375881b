// Worker thread for the evaluation harness: runs iam-simulate (AGPL, test-only) on a batch
// of simulations and returns one decision per simulation ('Error: ...' when the
// simulator rejected the input, which the harness never counts as a pass).
const { parentPort } = require('worker_threads');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

parentPort.on('message', async ({ id, simulations }) => {
  const out = [];
  // Each item is a list of alternative simulations (other sample resource ARNs);
  // the first one the simulator accepts decides.
  for (const alternatives of simulations) {
    let decision;
    for (const sim of alternatives) {
      try {
        const r = await runSimulation(sim, {});
        decision = r.resultType === 'error' ? `Error: ${JSON.stringify(r.errors).slice(0, 500)}` : r.overallResult;
      } catch (e) {
        decision = `Error: ${e && e.message}`;
      }
      if (!decision.startsWith('Error')) break;
    }
    out.push(decision);
  }
  parentPort.postMessage({ id, out });
});

#!/usr/bin/env node
// Entry point of `npx cdk-agent-guardrails report [cdk.out] [--json]` and `bootstrap-template`.
process.exitCode = require('../lib/checks/report/cli.js').main(process.argv.slice(2));

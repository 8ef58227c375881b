#!/usr/bin/env node
// Entry point of `npx cdk-agent-guardrails report [cdk.out] [--json]` and `npx cdk-agent-guardrails explain <action> [--json]`.
process.exitCode = require('../lib/checks/report/cli.js').main(process.argv.slice(2));

export * from './guardrail-finding';
export * from './agent-guardrails-checks';

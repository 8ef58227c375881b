export * from './guardrail-finding';
export * from './agent-guardrails-checks';
export * from './report/guardrail-report';

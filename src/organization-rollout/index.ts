export * from './agent-deny-policies';
export * from './agent-permission-set';
export * from './central-alarm-bus';
export * from './agent-mcp-scp';
export * from './guardrails-member-stack';
export * from './guardrails-stack-set';
export * from './guardrails-rollout';
export * from './kill-switch-member-role';

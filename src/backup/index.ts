export * from './vault-lock';
export * from './guardrail-backup';

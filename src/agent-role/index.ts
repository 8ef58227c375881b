export * from './agent-access';
export * from './agent-role';

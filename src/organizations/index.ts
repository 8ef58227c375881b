export * from './agent-organization-policy';
export * from './agent-scp';
export * from './agent-rcp';

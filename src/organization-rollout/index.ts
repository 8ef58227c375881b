export * from './identity-center-agents';
export * from './agent-deny-policies';
export * from './agent-permission-set';
export * from './central-alarm-bus';
export * from './central-alarm-forwarder';

export * from './destructive-call-alarm';
export * from './destructive-call-forwarder';
export * from './kill-switch';

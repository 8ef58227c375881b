export * from './guarded-bootstrap-names';
export * from './guarded-bootstrap';
export * from './guarded-stack-synthesizer';

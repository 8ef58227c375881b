export * from './policy-budget';
export * from './policy-packer';
export * from './deny-plan';

export * from './policy-budget';
export * from './policy-packer';

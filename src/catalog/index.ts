export * from './action-category';
export * from './action-catalog';
export * from './catalog-rule';

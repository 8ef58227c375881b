export * from './action-category';
export * from './action-catalog';

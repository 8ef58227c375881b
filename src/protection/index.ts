export * from './protected-bucket';
export * from './protected-database';
export * from './protected-instance';
export * from './protected-table';
export * from './protection';

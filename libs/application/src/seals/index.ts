export * from './seal.job.js';
export * from './seals.module.js';

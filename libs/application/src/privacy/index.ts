export * from './personal-data-export.js';
export * from './privacy.module.js';

export * from './data-key-store.js';
export * from './personal-data.js';

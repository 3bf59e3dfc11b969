// Signed global seals over the event log (ADR 0017) and the offline audit bundle.
export * from './merkle.js';
export * from './seal.js';
export * from './seal-store.js';
export * from './seal-checker.js';
export * from './sealing.js';
export * from './audit-bundle.js';
export * from './kurrentdb-seal-store.js';

export * from './credit-code.js';
export * from './decider.js';
export * from './errors.js';
export * from './region.js';
export * from './text.js';
export * from './dates.js';
export * from './decision-record.js';
export * from './money.js';

export * from './decision-replay.js';

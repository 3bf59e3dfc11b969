export * from './command-handler.js';
export * from './workflow-runner.js';
export * from './command-ids.js';

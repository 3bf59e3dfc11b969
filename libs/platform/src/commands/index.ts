export * from './command-handler.js';
export * from './workflow-runner.js';

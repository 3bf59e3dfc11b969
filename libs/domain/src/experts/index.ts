export * from './expert.decide.js';
export * from './experts.commands.js';
export * from './experts.errors.js';
export * from './experts.events.js';
export * from './experts.fields.js';
export * from './experts.personal-fields.js';
export * from './experts.state.js';

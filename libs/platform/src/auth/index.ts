export * from './auth.guard.js';
export * from './token.service.js';

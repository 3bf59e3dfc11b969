import type { Linter } from 'eslint';

/** The layer rules of eslint.boundaries.js (typed for the spec that lints against them). */
export declare const boundaries: Linter.Config[];

import type { FieldErrors } from './errors.js';
import { textProblem } from './fields.js';

export interface TextRule {
  readonly max: number;
  readonly min?: number;
  readonly label?: string;
  /** Free text that may run over lines (a reason, a note); names and references are one line. */
  readonly multiline?: boolean;
}

/**
 * Validates a required free-text field and returns it trimmed; records a field error (and returns '')
 * when it is empty, too long or holds control characters.
 */
export function requiredText(errors: FieldErrors, field: string, value: unknown, rule: TextRule): string {
  const label = rule.label ?? field;
  if (typeof value !== 'string' || value.trim().length === 0) {
    errors.add(field, `${label} is required.`);
    return '';
  }
  return checkText(errors, field, value.trim(), rule) ?? '';
}

/** Like `requiredText`, but absent (undefined/null) is allowed and returns undefined. */
export function optionalText(errors: FieldErrors, field: string, value: unknown, rule: TextRule): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredText(errors, field, value, rule) || undefined;
}

function checkText(errors: FieldErrors, field: string, value: string, rule: TextRule): string | undefined {
  const label = rule.label ?? field;
  const length = [...value].length;
  if (length > rule.max) {
    errors.add(field, `${label} must be at most ${rule.max} characters (got ${length}).`);
    return undefined;
  }
  if (rule.min !== undefined && length < rule.min) {
    errors.add(field, `${label} must be at least ${rule.min} characters.`);
    return undefined;
  }
  // The register's one text rule (the API applies the same before a command is built).
  const problem = textProblem(value, rule.multiline ? 'multiline' : 'line');
  if (problem) {
    errors.add(field, `${label} ${problem.message}`);
    return undefined;
  }
  return value;
}

import type { FieldErrors } from './errors.js';

// C0/C1 control characters other than ordinary whitespace never belong in register text.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export interface TextRule {
  readonly max: number;
  readonly min?: number;
  readonly label?: string;
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
  if (CONTROL_CHARACTERS.test(value)) {
    errors.add(field, `${label} contains control characters.`);
    return undefined;
  }
  return value;
}

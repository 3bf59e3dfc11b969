/**
 * Errors the domain raises. They carry no transport concerns: the GraphQL edge maps them to
 * `extensions.code` (BAD_USER_INPUT, RULE_VIOLATION, NOT_FOUND).
 */
export abstract class DomainError extends Error {}

export interface FieldError {
  /** Input field path as the client sent it, e.g. `code` or `qualification.grade`. */
  readonly field: string;
  readonly message: string;
}

/** The input itself is malformed: nothing about the register's state was consulted. */
export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput';
  constructor(readonly fieldErrors: readonly FieldError[]) {
    super(fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/**
 * A business rule refused the command. `rule` is a stable machine-readable code (clients switch on it);
 * the message is for a secretariat user.
 */
export class RuleViolation extends DomainError {
  override readonly name = 'RuleViolation';
  constructor(
    readonly rule: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The command addresses something the register does not hold. */
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  constructor(
    readonly entity: string,
    readonly id: string,
    message = `${entity} ${id} is not in the register.`,
  ) {
    super(message);
  }
}

/** Collects field errors and throws them together, so a user sees every problem at once. */
export class FieldErrors {
  private readonly errors: FieldError[] = [];

  add(field: string, message: string): this {
    this.errors.push({ field, message });
    return this;
  }

  get isEmpty(): boolean {
    return this.errors.length === 0;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new InvalidInput(this.errors);
  }
}

import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInput, type FieldError } from '#domain/shared';

function flatten(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Shape validation of GraphQL inputs (lengths, formats) before a command is even built. Business rules stay
 * in the deciders; this only stops input that could never be valid, with the same field-error shape.
 */
export function inputValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInput(flatten(errors)),
  });
}

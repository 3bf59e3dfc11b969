import { registerDecorator, type ValidationOptions } from 'class-validator';
import { associationIdProblem } from '#domain/shared';

/** The association id rule of libs/domain (a slug such as wuhan-cia), as a field error of the input that carries it. */
export function IsAssociationId(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAssociationId',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args) => associationIdProblem(args.value) ?? 'is not a valid association id.', ...options },
      validator: { validate: (value: unknown) => associationIdProblem(value) === null },
    });
}

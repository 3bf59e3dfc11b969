import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { associationIdProblem, textProblem, type TextKind } from '#domain/shared';

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

export interface TextRuleOptions extends ValidationOptions {
  /** Check the text in Unicode NFKC form, as the decider that stores it normalises it (document numbers). */
  readonly nfkc?: boolean;
}

/**
 * The text rule of libs/domain (`textProblem`) on a string input. A value that is empty once trimmed passes: the
 * decider reports a required field as missing together with the command's other field errors. Anything else
 * that leaves nothing to read (zero-width spaces only) is refused here.
 */
function textRule(kind: TextKind, name: string, { nfkc, ...options }: TextRuleOptions): PropertyDecorator {
  const problemOf = (value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') return null;
    return textProblem(nfkc ? value.normalize('NFKC') : value, kind);
  };
  // With `each`, class-validator checks the items one by one but words the message for the whole list.
  const messageOf = (value: unknown) => {
    if (!Array.isArray(value)) return problemOf(value)?.message;
    const index = value.findIndex((item) => problemOf(item) !== null);
    return index < 0 ? undefined : `item ${index} ${problemOf(value[index])!.message}`;
  };
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => messageOf(args.value) ?? 'breaks the text rule.', ...options },
      validator: { validate: (value: unknown) => problemOf(value) === null },
    });
}

/** A name, title, reference or identifier: one line under the text rule. */
export function IsLineText(options: TextRuleOptions = {}): PropertyDecorator {
  return textRule('line', 'isLineText', options);
}

/** Free text (a reason, a note, grounds, a description): the text rule, line feeds allowed. */
export function IsFreeText(options: TextRuleOptions = {}): PropertyDecorator {
  return textRule('multiline', 'isFreeText', options);
}

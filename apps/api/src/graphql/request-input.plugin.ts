import type { ApolloServerPlugin } from '@apollo/server';
import {
  coerceInputValue,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  typeFromAST,
  TypeMetaFieldDef,
  type ValueNode,
} from 'graphql';
import type { FieldError } from '#domain/shared';

/** The scalar the `asOf` arguments take (Nest's GraphQLISODateTime, which passes any string to `new Date`). */
const DATE_TIME = 'DateTime';

type Path = readonly (string | number)[];

/** Where a variable is used: under which root field, in which argument, at which path of the argument's value. */
interface Usage {
  readonly rootKey: string;
  readonly argument: string;
  /** The field path of the value given at this place, as the input validation names fields (see `fieldOf`). */
  readonly path: Path;
  readonly type: GraphQLInputType;
}

/** A field error of one root field of the operation. */
interface Problem extends FieldError {
  readonly rootKey: string;
}

/** Text Postgres cannot hold: NUL, or an unpaired UTF-16 surrogate (no character at all; JSON columns refuse its escape). */
export function unstorableTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which no text in the register may hold.';
  if (/\p{Cs}/u.test(value)) return 'contains an unpaired UTF-16 surrogate, which is no character.';
  return null;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const INSTANT_MESSAGE = 'must be an instant in ISO 8601 between the years 0001 and 9999, e.g. 2024-05-01T08:00:00+08:00.';

/**
 * Whether a DateTime input is an instant the register can look at: an ISO 8601 string of a real calendar day
 * (not 2023-02-30) in the years 1 to 9999. `new Date` alone takes numbers, "1" and years Postgres cannot store.
 */
export function instantProblem(value: unknown): string | null {
  if (typeof value !== 'string') return INSTANT_MESSAGE;
  const parts = INSTANT.exec(value);
  if (!parts) return INSTANT_MESSAGE;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const realDay = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  const hours = parts[4] === undefined ? 0 : Number(parts[4]);
  const minutes = parts[5] === undefined ? 0 : Number(parts[5]);
  const seconds = parts[6] === undefined ? 0 : Number(parts[6]);
  if (year < 1 || !realDay || hours > 23 || minutes > 59 || seconds > 59 || Number.isNaN(new Date(value).getTime())) return INSTANT_MESSAGE;
  return null;
}

/** The field name the client sees: the input validation names an input object's fields without the argument. */
function fieldOf(usage: Pick<Usage, 'argument' | 'path'>, inner: Path = []): string {
  const path = [...usage.path, ...inner];
  return path.length > 0 ? path.join('.') : usage.argument;
}

function fieldDefOf(parent: GraphQLNamedType | undefined, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && parent === schema.getQueryType()) return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** Calls `onArgument` for every argument of every field the operation selects, with the root field it is under. */
function forEachArgument(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  onArgument: (rootKey: string, argument: GraphQLArgument, value: ValueNode) => void,
): void {
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, rootKey: string | null, seen: ReadonlySet<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = rootKey ?? (selection.alias ?? selection.name).value;
        const field = fieldDefOf(parent, selection.name.value, schema);
        if (!field) continue;
        for (const node of (selection as FieldNode).arguments ?? []) {
          const argument = field.args.find((a) => a.name === node.name.value);
          if (argument) onArgument(key, argument, node.value);
        }
        if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type), key, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, condition ?? parent, rootKey, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent, rootKey, new Set([...seen, name]));
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, null, new Set());
}

/** Where a value is, from the innermost step out: built as an array only when something there is reported. */
interface Step {
  readonly parent: Step | null;
  readonly key: string | number;
}

function pathOf(step: Step | null): Path {
  const path: (string | number)[] = [];
  for (let at = step; at !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * What a value (a literal or a variable's value) holds that the register cannot take, by field path. Enum values
 * are not looked at: once validated or coerced they are one of the enum's names, which are GraphQL names.
 */
function checkValue(value: unknown, type: GraphQLInputType, report: (inner: Path, message: string) => void, at: Step | null = null): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return checkValue(value, nullable.ofType, report, at);
    for (let index = 0; index < value.length; index++) checkValue(value[index], nullable.ofType, report, { parent: at, key: index });
  } else if (isInputObjectType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    const fields = nullable.getFields();
    for (const name of Object.keys(value)) {
      const field = fields[name];
      if (field) checkValue((value as Record<string, unknown>)[name], field.type, report, { parent: at, key: name });
    }
  } else if (isEnumType(nullable)) {
    return;
  } else if (nullable.name === DATE_TIME) {
    const problem = instantProblem(value);
    if (problem) report(pathOf(at), problem);
  } else if (typeof value === 'string') {
    const problem = unstorableTextProblem(value);
    if (problem) report(pathOf(at), problem);
  }
}

/** A literal as the plain value it stands for; a variable inside it is checked where the variable is checked. */
function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalValue(field.value)]));
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
    case Kind.BOOLEAN:
      return node.value;
  }
}

/** An argument's value is named from inside when it is one input object (`name`), else by the argument (`subjectIds.2`). */
function argumentPath(argument: GraphQLArgument): Path {
  return isInputObjectType(getNullableType(argument.type)) ? [] : [argument.name];
}

/** Where each variable is used (a variable may be given in several places, or inside a literal object). */
function usagesOf(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Map<string, Usage[]> {
  const usages = new Map<string, Usage[]>();
  const visit = (node: ValueNode, type: GraphQLInputType, usage: Omit<Usage, 'type'>) => {
    const nullable = getNullableType(type) as GraphQLInputType;
    if (node.kind === Kind.VARIABLE) {
      const list = usages.get(node.name.value) ?? [];
      usages.set(node.name.value, [...list, { ...usage, type }]);
    } else if (node.kind === Kind.LIST && isListType(nullable)) {
      node.values.forEach((item, index) => visit(item, nullable.ofType, { ...usage, path: [...usage.path, index] }));
    } else if (node.kind === Kind.OBJECT && isInputObjectType(nullable)) {
      for (const field of node.fields) {
        const def = nullable.getFields()[field.name.value];
        if (def) visit(field.value, def.type, { ...usage, path: [...usage.path, field.name.value] });
      }
    }
  };
  forEachArgument(schema, operation, fragments, (rootKey, argument, value) => {
    visit(value, argument.type, { rootKey, argument: argument.name, path: argumentPath(argument) });
  });
  return usages;
}

/** A variable of the operation with its type and where it is used, worked out once per parsed document. */
interface VariableInput {
  readonly name: string;
  readonly type: GraphQLInputType;
  readonly required: boolean;
  readonly usages: readonly Usage[];
}

interface OperationInputs {
  /** The variables whose types the schema knows (graphql-js's validation refuses the others before this plugin runs). */
  readonly variables: readonly VariableInput[];
  /** What the literals of the document hold (the same for every request with this document). */
  readonly literalProblems: readonly Problem[];
  readonly rootKeys: number;
}

function literalProblemsOf(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Problem[] {
  const problems: Problem[] = [];
  forEachArgument(schema, operation, fragments, (rootKey, argument, node) => {
    const usage = { argument: argument.name, path: argumentPath(argument) };
    checkValue(literalValue(node), argument.type, (inner, message) => problems.push({ rootKey, field: fieldOf(usage, inner), message }));
  });
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type || !definition.defaultValue) continue;
    const name = definition.variable.name.value;
    checkValue(literalValue(definition.defaultValue), type, (inner, message) => problems.push({ rootKey: '', field: [`$${name}`, ...inner].join('.'), message }));
  }
  return problems;
}

/**
 * Refuses, before anything is executed, what no resolver should be handed: variables that do not fit their types,
 * text Postgres cannot hold (NUL, unpaired surrogates) in any argument or variable, and DateTime values that are no
 * instant. Each is a BAD_USER_INPUT with `fieldErrors` named as the input validation names them (an input object's
 * fields without the argument: `applications.3.subjectId`; other arguments by name: `subjectIds.2`, `asOf`),
 * prefixed with the root field's response key when the operation selects several root fields. HTTP 400: a request
 * error, as Apollo answers parse and validation errors. graphql-js would refuse ill-typed variables too, but with
 * the field path only in its message.
 */
export function requestInputPlugin(): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationInputs>>();
  const inputsOf = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationInputs => {
    let byOperation = known.get(document);
    if (!byOperation) known.set(document, (byOperation = new Map()));
    let inputs = byOperation.get(operation);
    if (!inputs) {
      const fragments = new Map(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      const usages = usagesOf(schema, operation, fragments);
      const variables: VariableInput[] = [];
      for (const definition of operation.variableDefinitions ?? []) {
        const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
        if (!type) continue;
        const name = definition.variable.name.value;
        variables.push({ name, type, required: isNonNullType(type) && !definition.defaultValue, usages: usages.get(name) ?? [] });
      }
      inputs = {
        variables,
        literalProblems: literalProblemsOf(schema, operation, fragments),
        rootKeys: new Set(operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? (s.alias ?? s.name).value : '…'))).size,
      };
      byOperation.set(operation, inputs);
    }
    return inputs;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const inputs = inputsOf(schema, document, operation);
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          const problems: Problem[] = [...inputs.literalProblems];
          for (const { name, type, required, usages } of inputs.variables) {
            const report = (inner: Path, message: string) => {
              for (const usage of usages) problems.push({ rootKey: usage.rootKey, field: fieldOf(usage, inner), message });
            };
            if (!(name in variables)) {
              if (required) report([], `was not given (variable $${name} of type ${String(type)} is required).`);
              continue;
            }
            let fits = true;
            coerceInputValue(variables[name], type, (path, _invalid, error) => {
              fits = false;
              // A missing or unknown field is reported at its object; name the field itself.
              const field = /^Field "([_A-Za-z][_0-9A-Za-z]*)" (?:of required type|is not defined)/.exec(error.message)?.[1];
              report(field ? [...path, field] : path, error.message);
            });
            if (fits) checkValue(variables[name], type, report);
          }
          if (problems.length === 0) return;
          throw inputError(problems, inputs.rootKeys > 1);
        },
      };
    },
  };
}

function inputError(problems: readonly Problem[], severalRoots: boolean): GraphQLError {
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  for (const { rootKey, field, message } of problems) {
    const named = severalRoots && rootKey ? `${rootKey}.${field}` : field;
    if (seen.has(`${named}\u0001${message}`)) continue;
    seen.add(`${named}\u0001${message}`);
    fieldErrors.push({ field: named, message });
  }
  return new GraphQLError(`The input is not valid: ${fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, {
    extensions: { code: 'BAD_USER_INPUT', fieldErrors, http: { status: 400 } },
  });
}

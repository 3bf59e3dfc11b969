/*
 * What the security suites read of the service's own schema: the SDL printed from the resolvers (the schema
 * `npm run schema:print` commits and the running service serves, see schema-drift.spec), and the classes behind
 * its input types with their class-validator limits. Everything is found from these, so an operation or an input
 * field added later is covered without new test code.
 */
import { getMetadataStorage } from 'class-validator';
import { buildSchema, type GraphQLField, type GraphQLSchema } from 'graphql';
import { buildSchemaSdl, RESOLVERS } from '#api';
import * as auditInputs from '../../apps/api/src/audit/audit.inputs.js';
import * as creditInputs from '../../apps/api/src/credit/credit.inputs.js';
import * as duesInputs from '../../apps/api/src/dues/dues.inputs.js';
import * as enterpriseInputs from '../../apps/api/src/enterprise/enterprise.inputs.js';
import * as membershipInputs from '../../apps/api/src/membership/membership.inputs.js';
import * as personsInputs from '../../apps/api/src/persons/persons.inputs.js';
import * as decisionInputs from '../../apps/api/src/graphql/decision.input.js';
import * as expertsInputs from '../../apps/api/src/experts/experts.inputs.js';
import * as rankingsInputs from '../../apps/api/src/rankings/rankings.inputs.js';
import * as awardsInputs from '../../apps/api/src/awards/awards.inputs.js';

export async function serviceSchema(): Promise<GraphQLSchema> {
  return buildSchema(await buildSchemaSdl(RESOLVERS));
}

/** Every root field, queries then mutations, with its operation type. */
export function rootFields(schema: GraphQLSchema): { operation: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] {
  const of = (operation: 'query' | 'mutation') => Object.values((operation === 'query' ? schema.getQueryType() : schema.getMutationType())?.getFields() ?? {}).map((field) => ({ operation, field }));
  return [...of('query'), ...of('mutation')];
}

type InputClass = abstract new (...args: never[]) => unknown;

/** The input classes by GraphQL input type name (code-first: the class name). */
export const INPUT_CLASSES: ReadonlyMap<string, InputClass> = new Map(
  [auditInputs, creditInputs, duesInputs, enterpriseInputs, membershipInputs, personsInputs, decisionInputs, expertsInputs, rankingsInputs, awardsInputs]
    .flatMap((module) => Object.values(module))
    .filter((value): value is InputClass => typeof value === 'function' && /^[A-Z]/.test(value.name))
    .map((type) => [type.name, type]),
);

/** The class-validator constraints on one property of an input class (its own and inherited), by validator name. */
export function constraintsOf(type: InputClass, property: string): Map<string, { constraints: unknown[]; each: boolean }> {
  const found = new Map<string, { constraints: unknown[]; each: boolean }>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
    if (meta.propertyName !== property) continue;
    const name = meta.name ?? String(meta.type);
    found.set(name, { constraints: meta.constraints ?? [], each: meta.each ?? false });
  }
  return found;
}

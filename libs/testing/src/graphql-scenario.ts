import type { GraphQLClient, GraphQLErrorShape, GraphQLResponse } from './graphql-client.js';

/** One GraphQL operation as a user sends it: who, what, with which variables. */
export interface GraphQLStep {
  readonly as: GraphQLClient;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/** What a refused operation must answer: its code, and the rule or the fields it names. */
export interface ExpectedRefusal {
  readonly code: string;
  readonly rule?: string;
  readonly fields?: readonly string[];
}

/**
 * Given/when/then for end-to-end tests over real HTTP: `given` steps must all succeed (they set the scene through
 * the API, as users would), `when` is the operation under test, `then` receives its data, `thenRefuses` checks its
 * error. Row counts or store contents a test also asserts are read by the test itself, after.
 */
export function scenario(...given: readonly GraphQLStep[]) {
  const run = async (): Promise<void> => {
    for (const step of given) await step.as.ok(step.query, step.variables);
  };
  return {
    when(step: GraphQLStep) {
      const response = async (): Promise<GraphQLResponse<Record<string, unknown>>> => {
        await run();
        return step.as.request(step.query, step.variables);
      };
      return {
        async then<T = Record<string, unknown>>(check: (data: T) => void | Promise<void>): Promise<T> {
          const result = await response();
          if (result.errors?.length) throw new Error(`expected success, got ${JSON.stringify(result.errors, null, 2)}`);
          await check(result.data as T);
          return result.data as T;
        },
        async thenRefuses(expected: ExpectedRefusal): Promise<GraphQLErrorShape> {
          const result = await response();
          const error = result.errors?.[0];
          if (!error) throw new Error(`expected ${expected.code}, got data ${JSON.stringify(result.data)}`);
          const actual = {
            code: error.extensions?.code,
            ...(expected.rule !== undefined ? { rule: error.extensions?.rule } : {}),
            ...(expected.fields !== undefined ? { fields: (error.extensions?.fieldErrors ?? []).map((f) => f.field) } : {}),
          };
          const wanted = { code: expected.code, ...(expected.rule !== undefined ? { rule: expected.rule } : {}), ...(expected.fields !== undefined ? { fields: [...expected.fields] } : {}) };
          if (JSON.stringify(actual) !== JSON.stringify(wanted)) throw new Error(`expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}: ${error.message}`);
          return error;
        },
      };
    },
  };
}

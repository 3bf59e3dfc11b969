/**
 * The HTTP load generator (autocannon), in a process of its own so it does not share an event loop with
 * the server it measures.
 *
 *   node dist/bench/load/driver.js '<job json>'
 *   job: { url, token?, operation: 'register' | 'ratings' | 'query', codes?: string[], asOf?, body?, seed, seconds, connections, rate? }
 * `register` sends the registerEnterprise mutation with a fresh valid credit code per request; `ratings`
 * asks for the credit ratings of the subjects `codes` as of `asOf` in one request (the same body each time,
 * with the ids and the instant as variables). A response with GraphQL `errors` counts as an error.
 * Prints `RESULT {requestsPerSecond, p50Ms, p99Ms, requests, errors, firstError}`.
 */
import autocannon from 'autocannon';
import { pathToFileURL } from 'node:url';
import { withCheckCharacter } from '#domain/shared';

/** What the harness asks of one load run (bench/lib/http.ts `load`). */
export interface LoadJob {
  readonly url: string;
  readonly token?: string;
  /** `query`: sends `body` (a GraphQL request, JSON) as it is, every time. */
  readonly operation: 'register' | 'ratings' | 'query';
  readonly body?: string;
  readonly codes?: string[];
  readonly asOf?: string;
  readonly seed: number;
  readonly seconds: number;
  readonly connections: number;
  readonly rate?: number;
  /** Stop after this many requests instead of after `seconds` (the smoke run). */
  readonly amount?: number;
}

const REGISTER = `mutation Register($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision readModelCurrent enterprise { code name regionCode ownership sizeClass } } }`;

/** What a tender system asks at a bid opening: each bidder's ratings as the register knew them then. */
export const ratingsQuery = `query Ratings($ids: [String!]!, $asOf: DateTime) { creditRatingsAsOf(subjectIds: $ids, asOf: $asOf) { subjectId asOf ratings { associationId cycleId grade status inForce certificateNumber validFrom validTo rulebookId rulebookVersion } } }`;

/** A valid credit code, distinct for each (seed, n). */
export function benchCode(seed: number, n: number): string {
  return withCheckCharacter(`91${String(seed).padStart(5, '0')}${String(n).padStart(10, '0')}`);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  let n = 0;
  let errors = 0;
  let firstError: string | null = null;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (job.token) headers.authorization = `Bearer ${job.token}`;
  const fixedBody =
    job.operation === 'ratings' ? JSON.stringify({ query: ratingsQuery, variables: { ids: job.codes ?? [], asOf: job.asOf ?? null } }) : job.operation === 'query' ? (job.body ?? '') : '';
  const result = await autocannon({
    url: `${job.url}/graphql`,
    connections: job.connections,
    duration: job.seconds,
    ...(job.rate ? { overallRate: job.rate } : {}),
    ...(job.amount ? { amount: job.amount } : {}),
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => {
          if (job.operation !== 'register') return { ...request, body: fixedBody };
          const code = benchCode(job.seed, n++);
          const input = { code, name: `基准测试建设工程有限公司${code.slice(-6)}`, legalRepresentative: '张三', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'SMALL' };
          return { ...request, body: JSON.stringify({ query: REGISTER, variables: { input } }) };
        },
        onResponse: (status, body) => {
          if (status !== 200 || body.includes('"errors"')) {
            errors++;
            firstError ??= `${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  process.stdout.write(
    `RESULT ${JSON.stringify({
      requestsPerSecond: result.requests.average,
      requests: result.requests.total,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: errors + result.errors + result.timeouts,
      firstError,
    })}\n`,
  );
}

// Scenarios import benchCode and ratingsQuery from here: run the load only when started as a script.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

/**
 * The HTTP load generator (autocannon), in a process of its own so it does not share an event loop with
 * the server it measures.
 *
 *   node dist/bench/load/driver.js '<job json>'
 *   job: { url, token?, operation: 'register' | 'lookup', codes?: string[], seed, seconds, connections, rate? }
 * `register` sends the registerEnterprise mutation with a fresh valid credit code per request; `lookup`
 * asks for 30 enterprises by code in one request (aliases). A response with GraphQL `errors` counts as an
 * error. Prints `RESULT {requestsPerSecond, p50Ms, p99Ms, requests, errors, firstError}`.
 */
import autocannon from 'autocannon';
import { withCheckCharacter } from '#domain/shared';

interface Job {
  readonly url: string;
  readonly token?: string;
  readonly operation: 'register' | 'lookup';
  readonly codes?: string[];
  readonly seed: number;
  readonly seconds: number;
  readonly connections: number;
  readonly rate?: number;
  /** Stop after this many requests instead of after `seconds` (the smoke run). */
  readonly amount?: number;
}

const REGISTER = `mutation Register($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision readModelCurrent enterprise { code name regionCode ownership sizeClass } } }`;

export function lookupQuery(codes: readonly string[]): string {
  return `query Lookup { ${codes.map((c, i) => `e${i + 1}: enterprise(code: "${c}") { code name regionCode ownership sizeClass }`).join(' ')} }`;
}

/** A valid credit code, distinct for each (seed, n). */
export function benchCode(seed: number, n: number): string {
  return withCheckCharacter(`91${String(seed).padStart(5, '0')}${String(n).padStart(10, '0')}`);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as Job;
  let n = 0;
  let errors = 0;
  let firstError: string | null = null;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (job.token) headers.authorization = `Bearer ${job.token}`;
  const lookupBody = job.operation === 'lookup' ? JSON.stringify({ query: lookupQuery(job.codes ?? []) }) : '';
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
          if (job.operation === 'lookup') return { ...request, body: lookupBody };
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

/**
 * The product as `npm start` runs it (single process: migrations, projector, API), in a process of its own
 * so that its memory can be read and the load generator runs elsewhere.
 *
 *   node dist/bench/lib/service-process.js <DATABASE_URL> ['<extra config env json>']
 * Prints `READY {"url", "adminToken", "tenderToken"}`; stops on SIGTERM. A stdin line `CLOCK <id> <days>` sets the
 * service's clock that many days from real time (answered `CLOCK-SET <id> {"now"}`), so a dataset can be written on
 * the days it would have been.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { apiHost } from '#api';
import { createLogger, loadConfig, runService } from '#platform';
import { BENCH_JWT_SECRET } from './http.js';

async function main(): Promise<void> {
  const [databaseUrl, extraJson = '{}'] = process.argv.slice(2);
  const config = loadConfig({
    DATABASE_URL: databaseUrl!,
    RUN_MODE: 'single',
    DATA_DIR: await mkdtemp(join(tmpdir(), 'register-bench-')),
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(JSON.parse(extraJson) as Record<string, string>),
  });
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [word, id, days] = line.trim().split(' ');
    if (word !== 'CLOCK' || id === undefined || days === undefined || !Number.isFinite(Number(days))) return;
    offsetMs = Number(days) * 86_400_000;
    process.stdout.write(`CLOCK-SET ${id} ${JSON.stringify({ now: clock.now().toISOString() })}\n`);
  });
  const service = await runService(config, apiHost({ host: '127.0.0.1', port: 0 }), {
    clock,
    logger: createLogger({ level: 'error', service: 'register-bench' }),
  });
  const issue = (role: 'ADMIN' | 'TENDER') =>
    service.runtime.tokens.issue({ userId: `bench-${role.toLowerCase()}`, role, associationId: role === 'ADMIN' ? 'bench-assoc' : null, enterpriseCode: null, ttlSeconds: 3600 });
  process.stdout.write(`READY ${JSON.stringify({ url: service.host.url, adminToken: await issue('ADMIN'), tenderToken: await issue('TENDER') })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

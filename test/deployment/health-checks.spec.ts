// The health checks of docker-compose.yml and the Dockerfile, run as docker runs them (`node -e <script>` in the
// image's working folder), against a real Postgres and a real HTTP server instead of the containers.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#testing';
import { readComposeFile, readDockerfileStages, ROOT } from './deployment-files.js';

const compose = readComposeFile();

/** The script of a `["CMD", "node", "-e", script]` health check. */
function nodeScript(test: readonly string[] | string | undefined): string {
  expect(Array.isArray(test) && test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  return (test as string[])[3]!;
}

/** Exit code of the check, run from the repository root as the image runs it from /app (its node_modules). */
function runCheck(script: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 20_000 }, (error) => {
      resolve(error ? ((error as { code?: unknown }).code as number) : 0);
    });
  });
}

describe("the projector's health check", () => {
  const script = nodeScript(compose.services.projector?.healthcheck?.test);
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('health');
  });
  afterAll(async () => {
    await db.drop();
  });

  it("looks for the sessions the projection runner opens for its locks, by the name the runner gives them", () => {
    const runner = readFileSync(`${ROOT}libs/projections/src/runner/projection-runner.ts`, 'utf8');
    const name = /sessionConfig\(options\.dataSource, '([^']+)'\)/.exec(runner)?.[1];
    expect(name).toBe('register-projection-lock');
    expect(script).toContain(`application_name = '${name}'`);
  });

  it('is unhealthy without a lock session, healthy while this host holds one, unhealthy once it is gone', async () => {
    expect(await runCheck(script, { DATABASE_URL: db.url })).toBe(1);
    const lock = new pg.Client({ connectionString: db.url, application_name: 'register-projection-lock' });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(1, 2)');
      expect(await runCheck(script, { DATABASE_URL: db.url })).toBe(0);
    } finally {
      await lock.end();
    }
    expect(await runCheck(script, { DATABASE_URL: db.url })).toBe(1);
  });

  it('is unhealthy when the database does not answer', async () => {
    expect(await runCheck(script, { DATABASE_URL: 'postgres://register:x@127.0.0.1:1/register' })).toBe(1);
  });
});

describe("the API's health check", () => {
  let server: Server;
  let status = 200;
  let port = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/health' ? status : 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const dockerfileCheck = () => {
    const healthcheck = readDockerfileStages().at(-1)!.find((i) => i.keyword === 'HEALTHCHECK')!;
    return nodeScript(['CMD', ...(JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf('CMD') + 3).trim()) as string[])]);
  };

  it.each([
    [200, 0],
    [503, 1],
  ])('in the Dockerfile, on the image PORT: /health answering %i exits %i', async (answer, exit) => {
    status = answer;
    expect(await runCheck(dockerfileCheck(), { PORT: String(port) })).toBe(exit);
  });

  it('in the compose file, asks the port the api service sets', () => {
    const script = nodeScript(compose.services.api?.healthcheck?.test);
    const env = compose.services.api?.environment as Record<string, string>;
    expect(script).toContain(`http://127.0.0.1:${env.PORT}/health`);
    expect(script).toContain('r.status === 200 ? 0 : 1');
  });

  it('fails when nothing answers', async () => {
    expect(await runCheck(dockerfileCheck(), { PORT: '1' })).toBe(1);
  });
});

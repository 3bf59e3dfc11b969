// The deployment files against the code they deploy: docker-compose.yml sets only variables the configuration
// schema knows, gives each process what loadConfig requires for its RUN_MODE, starts things in an order that can
// happen, and the Dockerfile runs the service as a non-root user. No Docker engine runs here, so the files are
// read as docker would read them (deployment-files.ts) and checked against loadConfig itself.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { COMMANDS } from '../../apps/cli/src/commands/index.js';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../libs/platform/src/config/index.js';
import {
  commandOf,
  type ComposeFile,
  type ComposeService,
  dependenciesOf,
  dependencyCycle,
  envNames,
  interpolate,
  interpolatedNames,
  rawEnvironment,
  readComposeFile,
  readDockerfileStages,
  readEnvExample,
  ROOT,
} from './deployment-files.js';

const compose = readComposeFile();
const CONFIG_NAMES = new Set(CONFIG_VARIABLES.map((v) => v.name));

/** What .env holds on a user's machine, generated as .env.example says. */
const DOTENV: Record<string, string> = {
  POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
  JWT_SECRET: randomBytes(32).toString('base64'),
  PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
  PERSON_IDENTITY_SECRET: randomBytes(32).toString('base64'),
  SEAL_SIGNING_KEY: randomBytes(32).toString('base64'),
};
const SECRETS = ['JWT_SECRET', 'PERSONAL_DATA_MASTER_KEY', 'PERSON_IDENTITY_SECRET', 'SEAL_SIGNING_KEY', 'POSTGRES_PASSWORD'];

/** Each entry point of the image and the RUN_MODE its service must set (the CLI's commands set none). */
const ENTRY_POINTS: Record<string, { source: string; runMode: 'api' | 'projector' | undefined }> = {
  'dist/apps/api/src/main.js': { source: 'apps/api/src/main.ts', runMode: 'api' },
  'dist/apps/projector/src/main.js': { source: 'apps/projector/src/main.ts', runMode: 'projector' },
  'dist/apps/cli/src/main.js': { source: 'apps/cli/src/main.ts', runMode: undefined },
};

const LONG_RUNNING = ['eventstore', 'postgres', 'api', 'projector'];

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A folder to resolve DATA_DIR in: loadConfig writes key files there for any key the environment lacks. */
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'register-compose-'));
  scratch.push(dir);
  return dir;
}

/** Services that run this repository's image (the others are KurrentDB's and Postgres's own images). */
function registerServices(file: ComposeFile): [string, ComposeService][] {
  return Object.entries(file.services).filter(([, s]) => s.build !== undefined || s.image === compose.services.api?.image);
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** The environment the container gets, with .env's values interpolated. */
function containerEnv(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvironment(service(name))).map(([k, v]) => [k, interpolate(v, DOTENV)]));
}

function unknownVariables(file: ComposeFile): string[] {
  return registerServices(file).flatMap(([name, s]) =>
    Object.keys(rawEnvironment(s))
      .filter((variable) => !CONFIG_NAMES.has(variable))
      .map((variable) => `${name}: ${variable}`),
  );
}

/** The variables of `env` without which loadConfig refuses, naming that variable. */
function requiredOf(env: Record<string, string>): string[] {
  return Object.keys(env)
    .filter((name) => {
      const without = { ...env };
      delete without[name];
      try {
        loadConfig(without, { cwd: scratchDir() });
        return false;
      } catch (error) {
        return error instanceof ConfigError && error.problems.some((p) => p.variable === name);
      }
    })
    .sort();
}

function entryPointOf(name: string): string {
  const command = commandOf(service(name));
  expect(command[0]).toBe('node');
  return command[1]!;
}

describe('docker-compose.yml', () => {
  it('runs the register image as migrate, api and projector beside KurrentDB and Postgres', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'eventstore', 'migrate', 'postgres', 'projector']);
    expect(registerServices(compose).map(([name]) => name).sort()).toEqual(['api', 'migrate', 'projector']);
    expect(service('eventstore').image).toMatch(/^kurrentplatform\/kurrentdb:/);
    expect(service('postgres').image).toMatch(/^postgres:18/);
  });

  it("sets in the register's services only variables of the configuration schema", () => {
    expect(unknownVariables(compose)).toEqual([]);
  });

  it('would refuse a variable the configuration does not know', () => {
    const api = service('api');
    const mutated: ComposeFile = {
      services: { ...compose.services, api: { ...api, environment: { ...rawEnvironment(api), EVENTSTORE_TLS: 'false' } } },
    };
    expect(unknownVariables(compose)).not.toContain('api: EVENTSTORE_TLS');
    expect(unknownVariables(mutated)).toContain('api: EVENTSTORE_TLS');
  });

  it('takes from .env exactly the variables .env.example lists, each left empty there', () => {
    const interpolated = new Set(
      Object.values(compose.services).flatMap((s) => Object.values(rawEnvironment(s)).flatMap(interpolatedNames)),
    );
    const example = readEnvExample();
    expect([...interpolated].sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(DOTENV).sort()).toEqual(Object.keys(example).sort());
    for (const [name, value] of Object.entries(example)) expect(`${name}=${value}`).toBe(`${name}=`);
  });

  it('never holds a secret: each comes from .env, and compose refuses to start without it', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(rawEnvironment(s))) {
        for (const secret of SECRETS) {
          if (variable !== secret && !value.includes(secret)) continue;
          expect({ service: name, variable, value }).toEqual({
            service: name,
            variable,
            value: expect.stringMatching(new RegExp(`\\$\\{${secret}:\\?[^}]+\\}`)),
          });
          expect(() => interpolate(value, { ...DOTENV, [secret]: '' })).toThrow(secret);
        }
      }
    }
    expect(rawEnvironment(service('api')).JWT_SECRET).toBeDefined();
    expect(rawEnvironment(service('api')).DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
  });

  it.each([
    ['api', ['DATABASE_URL', 'EVENTSTORE_URL', 'JWT_SECRET', 'PERSONAL_DATA_MASTER_KEY', 'PERSON_IDENTITY_SECRET']],
    ['projector', ['DATABASE_URL', 'EVENTSTORE_URL']],
  ] as const)('gives the %s everything loadConfig requires for its RUN_MODE', (name, required) => {
    const env = containerEnv(name);
    const config = loadConfig(env, { cwd: scratchDir() });
    expect(config.runMode).toBe(name);
    expect(config.eventStore).toEqual({ kind: 'esdb', url: 'esdb://eventstore:2113?tls=false' });
    expect(config.database.mode).toBe('external');
    expect(config.privacy.masterKeySource).toBe('env');
    expect(config.privacy.identitySecretSource).toBe('env');
    expect(config.auth.jwtSecretSource).toBe('env');
    expect(requiredOf(env)).toEqual(expect.arrayContaining([...required]));
  });

  it("gives the projector the API's keys: loadConfig would otherwise generate other ones in its own DATA_DIR", () => {
    const api = rawEnvironment(service('api'));
    const projector = rawEnvironment(service('projector'));
    for (const key of ['JWT_SECRET', 'PERSONAL_DATA_MASTER_KEY', 'PERSON_IDENTITY_SECRET', 'DATABASE_URL', 'EVENT_STORE', 'EVENTSTORE_URL']) {
      expect({ key, value: projector[key] }).toEqual({ key, value: api[key] });
    }
  });

  it('migrates the stores the api and the projector use, holding no keys itself', () => {
    const env = containerEnv('migrate');
    const config = loadConfig(env, { cwd: scratchDir() });
    expect(config.eventStore).toEqual(loadConfig(containerEnv('api'), { cwd: scratchDir() }).eventStore);
    expect(env.DATABASE_URL).toBe(containerEnv('api').DATABASE_URL);
    for (const secret of ['JWT_SECRET', 'PERSONAL_DATA_MASTER_KEY', 'PERSON_IDENTITY_SECRET']) expect(env[secret]).toBeUndefined();
  });

  it("sets each service's RUN_MODE to what its entry point runs, and the entry points exist", () => {
    for (const [name] of registerServices(compose)) {
      const entry = ENTRY_POINTS[entryPointOf(name)];
      expect({ name, entry: entryPointOf(name), known: entry !== undefined }).toEqual({ name, entry: entryPointOf(name), known: true });
      expect({ name, RUN_MODE: rawEnvironment(service(name)).RUN_MODE }).toEqual({ name, RUN_MODE: entry!.runMode });
      expect(existsSync(join(ROOT, entry!.source))).toBe(true);
    }
    const [, , cliCommand] = commandOf(service('migrate'));
    expect(cliCommand).toBe('migrate');
    expect(COMMANDS.map((c) => c.name)).toContain(cliCommand);
  });

  it('orders the start without a cycle, on services that exist and health checks that are there', () => {
    expect(dependencyCycle(compose.services)).toBeNull();
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [dep, condition] of Object.entries(dependenciesOf(s))) {
        expect({ name, dep, exists: dep in compose.services }).toEqual({ name, dep, exists: true });
        if (condition === 'service_healthy') {
          const check = service(dep).healthcheck;
          expect({ dep, healthcheck: check?.test !== undefined && check.disable !== true }).toEqual({ dep, healthcheck: true });
        }
      }
    }
  });

  it('finds a cycle when there is one', () => {
    const cyclic = { a: { depends_on: ['b'] }, b: { depends_on: { c: { condition: 'service_healthy' } } }, c: { depends_on: ['a'] } };
    expect(dependencyCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('starts the api and the projector once migrate has completed, and migrate once both stores are healthy', () => {
    for (const name of ['api', 'projector']) {
      expect(dependenciesOf(service(name))).toMatchObject({ migrate: 'service_completed_successfully' });
    }
    expect(dependenciesOf(service('migrate'))).toEqual({ postgres: 'service_healthy', eventstore: 'service_healthy' });
  });

  it('restarts the long-running services and checks their health; the one-shot migrate neither', () => {
    for (const name of LONG_RUNNING) {
      const s = service(name);
      expect({ name, restart: s.restart }).toEqual({ name, restart: expect.stringMatching(/^(always|unless-stopped|on-failure(:\d+)?)$/) });
      expect({ name, healthcheck: Array.isArray(s.healthcheck?.test) && s.healthcheck.disable !== true }).toEqual({ name, healthcheck: true });
    }
    expect(service('migrate').restart).toBe('no');
    expect(service('migrate').healthcheck).toEqual({ disable: true });
    expect(service('eventstore').healthcheck?.test).toContain('http://localhost:2113/health/live');
    expect((service('postgres').healthcheck?.test as string[]).join(' ')).toContain('pg_isready');
  });

  it('points the connection strings at the services of the file', () => {
    const db = new URL(containerEnv('api').DATABASE_URL!);
    expect(db.hostname in compose.services).toBe(true);
    expect(decodeURIComponent(db.password)).toBe(DOTENV.POSTGRES_PASSWORD);
    const postgres = containerEnv('postgres');
    expect([db.username, db.pathname.slice(1)]).toEqual([postgres.POSTGRES_USER, postgres.POSTGRES_DB]);
    const es = new URL(containerEnv('api').EVENTSTORE_URL!);
    expect([es.hostname in compose.services, es.port]).toEqual([true, '2113']);
    expect(containerEnv('eventstore')).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_CLUSTER_SIZE: '1' });
  });
});

describe('Dockerfile', () => {
  const stages = readDockerfileStages();
  const runtime = stages.at(-1)!;
  const after = (keyword: string) => runtime.filter((i) => i.keyword === keyword);

  it('builds in stages and ships production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const nodeModules = after('COPY').find((i) => /\/app\/node_modules/.test(i.args));
    const from = /--from=(\S+)/.exec(nodeModules?.args ?? '')?.[1];
    const source = stages.find((stage) => new RegExp(`\\bAS\\s+${from}$`, 'i').test(stage[0]!.args));
    expect(source?.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('runs as a user that is not root', () => {
    const users = after('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('sets NODE_ENV=production and otherwise only variables of the configuration schema', () => {
    const env = envNames(runtime);
    expect(env.NODE_ENV).toBe('production');
    expect(Object.keys(env).filter((name) => name !== 'NODE_ENV' && !CONFIG_NAMES.has(name))).toEqual([]);
  });

  it("checks the API's health and starts an entry point that exists", () => {
    expect(after('HEALTHCHECK').at(-1)?.args).toMatch(/\/health/);
    const cmd = JSON.parse(after('CMD').at(-1)!.args) as string[];
    expect(cmd[0]).toBe('node');
    expect(ENTRY_POINTS[cmd[1]!]).toBeDefined();
  });
});

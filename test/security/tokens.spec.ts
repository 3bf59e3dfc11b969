import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { apiHost } from '#api';
import { withCheckCharacter } from '#domain/shared';
import { createLogger, loadConfig, runService, type RunningService } from '#platform';
import { createTestDatabase, type TestDatabase } from '#testing';

/*
 * Bearer tokens a client should never get past the edge with, sent over real HTTP to the whole service: each is
 * UNAUTHENTICATED, with the HTTP status the service answers a missing token with, and writes nothing. The service's
 * log, captured at its most verbose level from start to stop, never holds a token's text or any part of it.
 */

const SECRET = 'tokens-spec-secret-that-is-long-enough-for-hs256-0123456789';
const ISSUER = 'association-register';
const ASSOC = 'token-cia';
const FIRM = withCheckCharacter('91420100MA4TKN001');

const QUERY = `query($code: String!) { enterprise(code: $code) { code } }`;
const MUTATION = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token as the service's own issuer would sign it, with the claims given (exp in seconds from now). */
function signed(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: number } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('token-spec-user')
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('tokens the service refuses', () => {
  let database: TestDatabase;
  let service: RunningService;
  let url: string;
  let log = '';
  let stopped = false;
  const admin = { role: 'ADMIN', assoc: ASSOC, ent: null, name: null };
  let refused: (readonly [label: string, token: string])[];

  beforeAll(async () => {
    // The service as the test service starts it, but logging everything into memory.
    database = await createTestDatabase('tokens');
    const config = loadConfig({
      DATABASE_URL: database.url,
      RUN_MODE: 'single',
      DATA_DIR: await mkdtemp(join(tmpdir(), 'register-tokens-')),
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      LOG_LEVEL: 'trace',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const logger = createLogger({ level: 'trace', service: 'register-tokens-spec', destination: { write: (line: string) => void (log += line) } });
    service = await runService(config, apiHost({ host: '127.0.0.1', port: 0 }), { logger });
    url = service.host.url!;

    const valid = await signed(admin);
    const [header, payload] = valid.split('.') as [string, string];
    refused = [
      ['expired', await signed(admin, { expiresIn: -60 })],
      ['malformed: not a JWT', 'tokens-spec-malformed-3f9c1a7e'],
      ['malformed: two parts', `${header}.${payload}`],
      ['malformed: header not JSON', `${b64('tokens-spec-no-json')}.${payload}.${b64('signature')}`],
      ['malformed: signature cut short', valid.slice(0, -10)],
      ['wrongly signed', await signed(admin, { secret: 'another-secret-that-is-long-enough-for-hs256-987654321' })],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      ['alg none, signature kept', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${valid.split('.')[2]}`],
      ['unknown role', await signed({ ...admin, role: 'SUPERUSER' })],
      ['the SYSTEM role of the register’s own jobs', await signed({ ...admin, role: 'SYSTEM' })],
      ['MEMBER without an enterprise code', await signed({ role: 'MEMBER', assoc: ASSOC, ent: null, name: null })],
      ['MEMBER with an empty enterprise code', await signed({ role: 'MEMBER', assoc: ASSOC, ent: '', name: null })],
      ['ADMIN without an association', await signed({ role: 'ADMIN', assoc: null, ent: null, name: null })],
      ['ADMIN with no association claim at all', await signed({ role: 'ADMIN' })],
    ];
  });

  afterAll(async () => {
    if (!stopped) await service?.stop();
    await database?.drop();
  });

  const post = async (token: string | null, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };
  const events = async () => Number((await service.infrastructure.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]!.n);
  const registration = (code: string) => ({ input: { code, name: '令牌测试建设有限公司', legalRepresentative: '赵六', regionCode: '420106', ownership: 'PRIVATE' } });

  it('refuses each one as UNAUTHENTICATED with the status of a missing token, writing nothing, and never logs it', async () => {
    const missing = await post(null, QUERY, { code: FIRM });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A well-formed token of the same service gets through, so the refusals below are the tokens' own.
    const accepted = await post(await signed(admin), MUTATION, registration(FIRM));
    expect(accepted.body.errors).toBeUndefined();
    const before = await events();

    const answers: Record<string, unknown> = {};
    for (const [label, token] of refused) {
      for (const [query, variables] of [[QUERY, { code: FIRM }], [MUTATION, registration(withCheckCharacter('91420100MA4TKN002'))]] as const) {
        const answer = await post(token, query, variables);
        answers[label] = { status: answer.status, code: answer.body.errors?.[0]?.extensions?.code, data: answer.body.data ?? null };
        expect({ label, ...(answers[label] as object) }).toEqual({ label, status: missing.status, code: 'UNAUTHENTICATED', data: null });
        // The answer says why without echoing the token.
        expect(answer.body.errors![0]!.message).not.toContain(token);
      }
    }
    expect(await events()).toBe(before);

    // Nothing of any token reached the log: the whole text, nor any of its parts.
    await service.stop();
    stopped = true;
    expect(log.length).toBeGreaterThan(0);
    const lines = log.split('\n').filter(Boolean);
    if (process.env.RELIABILITY_REPORT) process.stderr.write(`reliability tokens: ${JSON.stringify({ tokens: refused.length, requests: 2 * refused.length, status: missing.status, logLines: lines.length, levels: [...new Set(lines.map((l) => (JSON.parse(l) as { level: string }).level))] })}\n`);
    for (const [label, token] of refused) {
      for (const part of [token, ...token.split('.').filter((p) => p.length >= 12)]) {
        expect({ label, part, logged: log.includes(part) }).toEqual({ label, part, logged: false });
      }
    }
  });
});

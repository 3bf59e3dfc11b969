import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AuthGuard, TokenService } from '#platform';
import { ConsoleModule, consoleUrl } from './index.js';

/** A real app behind the API's global, fail-closed auth guard: the console must stay reachable without a token. */
async function start(imports: unknown[], prefix?: string): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: [
      { provide: TokenService, useValue: { verify: () => Promise.reject(new Error('no token expected')) } },
      { provide: APP_GUARD, useClass: AuthGuard },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (prefix !== undefined) app.setGlobalPrefix(prefix);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}` };
}

/** Every src/href in the page. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
}

describe('GET /console', () => {
  let app: INestApplication;
  let base: string;
  let html: string;
  let res: Response;

  beforeAll(async () => {
    ({ app, base } = await start([ConsoleModule]));
    res = await fetch(`${base}/console`);
    html = await res.text();
  });
  afterAll(() => app.close());

  it('serves an HTML page that is never cached', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('id="graphiql"');
    expect(html).toContain('id="console-token"');
  });

  it('names no external URL anywhere in the page', () => {
    expect(html).not.toMatch(/\b(?:https?|wss?|ftp):/i);
    expect(html).not.toMatch(/["'(]\s*\/\//); // protocol-relative //host/...
    for (const link of links(html)) expect(link).toMatch(/^(\/console\/assets\/[\w.-]+|data:,)$/);
    expect(links(html).filter((l) => l.startsWith('/console/assets/'))).toHaveLength(6);
  });

  it('has no inline script, only its JSON settings', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attributes, body] of scripts) {
      if (attributes!.includes('type="application/json"')) continue;
      expect(attributes).toMatch(/ src="\/console\/assets\//);
      expect(body).toBe('');
    }
  });

  it('sends a Content-Security-Policy that allows this origin only', () => {
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
    expect(csp.match(/script-src [^;]*/)![0]).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('points GraphiQL at /graphql and opens on a query', () => {
    const json = /<script type="application\/json" id="console-config">([^<]*)<\/script>/.exec(html)![1]!;
    const config = JSON.parse(json) as { endpoint: string; defaultQuery: string };
    expect(config.endpoint).toBe('/graphql');
    expect(config.defaultQuery).toContain('query WhatCanIAsk');
  });

  describe('its assets', () => {
    const require = createRequire(import.meta.url);
    const dir = (name: string) => require.resolve(`${name}/package.json`).replace(/package\.json$/, '');
    const expected: Array<[RegExp, string, string | undefined]> = [
      [/react\.production\.min\.[0-9a-f]{12}\.js$/, 'text/javascript; charset=utf-8', `${dir('react')}umd/react.production.min.js`],
      [/react-dom\.production\.min\.[0-9a-f]{12}\.js$/, 'text/javascript; charset=utf-8', `${dir('react-dom')}umd/react-dom.production.min.js`],
      [/graphiql\.min\.[0-9a-f]{12}\.js$/, 'text/javascript; charset=utf-8', require.resolve('graphiql/graphiql.min.js')],
      [/graphiql\.min\.[0-9a-f]{12}\.css$/, 'text/css; charset=utf-8', require.resolve('graphiql/graphiql.min.css')],
      [/console\.[0-9a-f]{12}\.js$/, 'text/javascript; charset=utf-8', undefined],
      [/console\.[0-9a-f]{12}\.css$/, 'text/css; charset=utf-8', undefined],
    ];

    it.each(expected)('serves %s from node_modules with long caching and a matching integrity hash', async (pattern, type, file) => {
      const tag = html.split('\n').find((line) => links(line).some((l) => pattern.test(l)))!;
      const url = links(tag)[0]!;
      const integrity = /integrity="([^"]+)"/.exec(tag)![1]!;

      const asset = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe(type);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-encoding')).toBeNull();
      const body = Buffer.from(await asset.arrayBuffer());
      expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(integrity);
      if (file !== undefined) {
        const original = readFileSync(file, 'utf8');
        expect(original.startsWith(body.toString('utf8').slice(0, 2000))).toBe(true);
        expect(body.length).toBeGreaterThan(original.length - 200);
      }
    });

    it('compresses them for browsers that accept gzip', async () => {
      const url = links(html).find((l) => /graphiql\.min\.[0-9a-f]+\.js$/.test(l))!;
      const plain = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } });
      const zipped = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'gzip, deflate' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
      expect(Number(zipped.headers.get('content-length'))).toBeLessThan(Number(plain.headers.get('content-length')) / 2);
      expect(await zipped.text()).toBe(await plain.text()); // fetch decompresses
    });

    it('answers 304 to a revalidation', async () => {
      const url = links(html).find((l) => l.endsWith('.css'))!;
      const first = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } });
      const again = await fetch(`${base}${url}`, {
        // An explicit cache-control keeps fetch from adding `no-cache`, which forbids a 304.
        headers: { 'accept-encoding': 'identity', 'cache-control': 'max-age=0', 'if-none-match': first.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
    });

    it('refuses anything else under /console/assets', async () => {
      for (const path of ['/console/assets/graphiql.min.js', '/console/assets/..%2Fpackage.json', '/console/assets/x']) {
        expect((await fetch(`${base}${path}`)).status).toBe(404);
      }
    });
  });
});

describe('ConsoleModule.forRoot', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await start([ConsoleModule.forRoot({ endpoint: '/api/graphql', defaultQuery: '{ me { name } } # </script><b>' })], 'api'));
  });
  afterAll(() => app.close());

  it('follows a global route prefix and takes its own endpoint and query, safely embedded', async () => {
    const html = await (await fetch(`${base}/api/console/`)).text();
    for (const link of links(html)) expect(link).toMatch(/^(\/api\/console\/assets\/[\w.-]+|data:,)$/);
    expect(html).not.toContain('</script><b>');
    const json = /id="console-config">([^<]*)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual({ endpoint: '/api/graphql', defaultQuery: '{ me { name } } # </script><b>' });
    const css = links(html).find((l) => l.endsWith('.css'))!;
    expect((await fetch(`${base}${css}`)).status).toBe(200);
  });
});

describe('consoleUrl', () => {
  it('puts the token in the fragment, which never reaches a server or its logs', () => {
    expect(consoleUrl('http://127.0.0.1:4000', 'eyJ.a.b')).toBe('http://127.0.0.1:4000/console#token=eyJ.a.b');
    expect(consoleUrl('http://host:4000/api/')).toBe('http://host:4000/api/console');
  });
});

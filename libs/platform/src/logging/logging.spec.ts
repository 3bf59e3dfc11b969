import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, NestPinoLogger } from './index.js';

/** Collects the JSON lines a logger writes. */
function memory() {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with ISO time, level label and service', () => {
    const out = memory();
    createLogger({ level: 'info', service: 'api', destination: out }).info({ stream: 'dues-1' }, 'appended');
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'api', stream: 'dues-1', msg: 'appended', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
  });

  it('drops lines below the configured level', () => {
    const out = memory();
    const logger = createLogger({ level: 'warn', destination: out });
    logger.info('quiet');
    logger.warn('loud');
    expect(out.lines.map((l) => l['msg'])).toEqual(['loud']);
  });

  it('redacts authorization headers, tokens and secrets', () => {
    const out = memory();
    createLogger({ level: 'info', destination: out }).info(
      {
        req: { method: 'POST', headers: { authorization: 'Bearer eyJhbGciOi.secret.sig', cookie: 'sid=1', host: 'x' } },
        token: 'eyJhbGciOi.top',
        input: { token: 'nested', password: 'pw' },
        config: { auth: { jwtSecret: 'hmac-key' } },
      },
      'request',
    );
    const text = JSON.stringify(out.lines);
    for (const secret of ['eyJhbGciOi', 'sid=1', 'nested', '"pw"', 'hmac-key']) expect(text).not.toContain(secret);
    expect(out.lines[0]).toMatchObject({ req: { method: 'POST', headers: { authorization: '[redacted]', host: 'x' } } });
  });
});

describe('NestPinoLogger', () => {
  it('maps Nest levels, context and stack traces onto pino fields', () => {
    const out = memory();
    const nest = new NestPinoLogger(createLogger({ level: 'trace', destination: out }));
    nest.log('started', 'Bootstrap');
    nest.warn('slow', 'Projector');
    nest.debug('detail', 'Projector');
    nest.verbose('noise', 'Projector');
    nest.error('boom', 'Error: boom\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
    nest.fatal(new Error('dead'), 'Main');
    expect(out.lines.map((l) => [l['level'], l['context'], l['msg']])).toEqual([
      ['info', 'Bootstrap', 'started'],
      ['warn', 'Projector', 'slow'],
      ['debug', 'Projector', 'detail'],
      ['trace', 'Projector', 'noise'],
      ['error', 'ExceptionsHandler', 'boom'],
      ['fatal', 'Main', 'dead'],
    ]);
    expect(out.lines[4]).toMatchObject({ stack: expect.stringContaining('at somewhere') });
    expect(out.lines[5]).toMatchObject({ err: { message: 'dead', type: 'Error' } });
  });

  it('keeps a lone stack trace as a stack, not as a context', () => {
    const out = memory();
    new NestPinoLogger(createLogger({ level: 'info', destination: out })).error('boom', 'Error: boom\n    at x (y.js:1:1)');
    expect(out.lines[0]).toMatchObject({ msg: 'boom', stack: expect.stringContaining('at x') });
    expect(out.lines[0]).not.toHaveProperty('context');
  });

  it('follows the levels Nest asks for', () => {
    const out = memory();
    const nest = new NestPinoLogger(createLogger({ level: 'info', destination: out }));
    nest.setLogLevels(['error', 'warn']);
    nest.log('hidden');
    nest.warn('shown');
    nest.setLogLevels(['log', 'debug']);
    nest.debug('shown too');
    expect(out.lines.map((l) => l['msg'])).toEqual(['shown', 'shown too']);
  });

  it("carries Nest's own start-up and request-time logs as JSON", async () => {
    @Controller()
    class FailingController {
      @Get('fail')
      fail(): never {
        throw new Error('handler failed');
      }
    }
    @Module({ controllers: [FailingController] })
    class AppModule {}

    const out = memory();
    const app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(new NestPinoLogger(createLogger({ level: 'info', destination: out })));
    await app.listen(0, '127.0.0.1');
    try {
      new Logger('Registry').log('ready');
      const { port } = app.getHttpServer().address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/fail`);
      expect(res.status).toBe(500);
    } finally {
      await app.close();
    }
    expect(out.lines).toContainEqual(expect.objectContaining({ level: 'info', context: 'NestApplication', msg: expect.stringContaining('successfully started') }));
    expect(out.lines).toContainEqual(expect.objectContaining({ level: 'info', context: 'Registry', msg: 'ready' }));
    expect(out.lines).toContainEqual(
      expect.objectContaining({ level: 'error', context: 'ExceptionsHandler', msg: 'handler failed' }),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AuthGuard, ClockModule, FixedClock, Metrics, MetricsModule, TokenService } from '#platform';
import { MetricsController } from './metrics.controller.js';

describe('GET /metrics', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ClockModule.withClock(new FixedClock('2025-06-01T00:00:00Z')), MetricsModule],
      controllers: [MetricsController],
      // The API's global, fail-closed guard: the scraper sends no token and must still get through.
      providers: [
        { provide: TokenService, useValue: { verify: () => Promise.reject(new Error('no token expected')) } },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => app.close());

  it('serves Prometheus text without authentication', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(body).toContain('# TYPE register_commands_total counter');
    expect(body).toContain('# TYPE register_command_duration_seconds histogram');
    expect(body).toContain('# TYPE register_projection_lag_events gauge');
  });

  it('shows what the application recorded', async () => {
    const metrics = app.get(Metrics);
    metrics.recordCommand('AdmitMember', 'rejected', 0.02);
    metrics.recordProjectionLag('membership', 2);
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('register_commands_total{command="AdmitMember",outcome="rejected"} 1');
    expect(body).toContain('register_command_duration_seconds_bucket{le="0.025",command="AdmitMember"} 1');
    expect(body).toContain('register_projection_lag_events{projection="membership"} 2');
    expect(body).toContain('register_projection_checkpoint_age_seconds{projection="membership"} 0');
  });
});

import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { Test } from '@nestjs/testing';
import { ClockModule, FixedClock } from '../clock/index.js';
import { graphqlMetricsPlugin, Metrics, MetricsModule } from './index.js';

async function valueOf(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('Metrics', () => {
  it('keeps its metrics out of the global prom-client registry', async () => {
    const a = new Metrics({ defaultMetrics: false });
    const b = new Metrics({ defaultMetrics: false });
    a.recordCommand('RegisterEnterprise', 'ok', 0.01);
    expect(await valueOf(a, 'register_commands_total', { command: 'RegisterEnterprise' })).toBe(1);
    expect(await valueOf(b, 'register_commands_total', { command: 'RegisterEnterprise' })).toBeUndefined();
  });

  it('includes process metrics unless told not to', async () => {
    expect(await new Metrics().metrics()).toContain('process_cpu_user_seconds_total');
    expect(await new Metrics({ defaultMetrics: false }).metrics()).not.toContain('process_cpu_user_seconds_total');
  });

  it('counts a timed command once, with its outcome and duration', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const done = metrics.startCommand('RecordDuesPayment');
    done('conflict');
    done('ok');
    expect(await valueOf(metrics, 'register_commands_total', { command: 'RecordDuesPayment', outcome: 'conflict' })).toBe(1);
    expect(await valueOf(metrics, 'register_commands_total', { command: 'RecordDuesPayment', outcome: 'ok' })).toBeUndefined();
    expect(await metrics.metrics()).toContain('register_command_duration_seconds_count{command="RecordDuesPayment"} 1');
  });

  describe('when a projection falls behind', () => {
    it('reports the lag and how long the checkpoint has not moved', async () => {
      const clock = new FixedClock('2025-06-01T00:00:00Z');
      const metrics = new Metrics({ clock, defaultMetrics: false });
      const age = () => valueOf(metrics, 'register_projection_checkpoint_age_seconds', { projection: 'dues' });

      metrics.recordProjectionLag('dues', 0);
      clock.advance({ minutes: 10 });
      expect(await age()).toBe(0); // caught up: idle is not stalled

      metrics.recordProjectionLag('dues', 60);
      clock.advance({ seconds: 30 });
      metrics.recordProjectionLag('dues', 70); // more arrived, none applied
      clock.advance({ seconds: 15 });
      expect(await age()).toBe(45);
      expect(await valueOf(metrics, 'register_projection_lag_events', { projection: 'dues' })).toBe(70);

      metrics.recordProjectionLag('dues', 20); // applied some
      clock.advance({ seconds: 5 });
      expect(await age()).toBe(5);

      metrics.recordProjectionLag('dues', 0);
      expect(await age()).toBe(0);
      expect(await valueOf(metrics, 'register_projection_lag_events', { projection: 'dues' })).toBe(0);
    });
  });

  it('is provided application-wide by MetricsModule, with the injected clock', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ClockModule.withClock(new FixedClock()), MetricsModule],
    }).compile();
    expect(moduleRef.get(Metrics)).toBeInstanceOf(Metrics);
  });
});

describe('graphqlMetricsPlugin', () => {
  it('counts requests by operation type and outcome', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const server = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean, fail: Boolean } type Mutation { touch: Boolean }',
      resolvers: {
        Query: { ok: () => true, fail: () => { throw new Error('no'); } },
        Mutation: { touch: () => true },
      },
      plugins: [graphqlMetricsPlugin(metrics)],
    });
    await server.start();
    try {
      await server.executeOperation({ query: '{ ok }' });
      await server.executeOperation({ query: '{ fail }' });
      await server.executeOperation({ query: 'mutation { touch }' });
      await server.executeOperation({ query: '{ nope' });
    } finally {
      await server.stop();
    }
    const count = (operation: string, outcome: string) =>
      valueOf(metrics, 'register_graphql_requests_total', { operation, outcome });
    expect(await count('query', 'ok')).toBe(1);
    expect(await count('query', 'error')).toBe(1);
    expect(await count('mutation', 'ok')).toBe(1);
    expect(await count('unknown', 'error')).toBe(1);
  });
});

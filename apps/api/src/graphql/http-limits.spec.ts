import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './http-limits.js';

describe('RateLimiter', () => {
  it('lets a client send a minute of requests at once, then one per refilled share, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((o) => o.allowed)).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    now = 15_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 5 });
    now = 20_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps an allowance per client', () => {
    const limiter = new RateLimiter(1, () => 0);
    expect(limiter.take('token:a').allowed).toBe(true);
    expect(limiter.take('token:a').allowed).toBe(false);
    expect(limiter.take('token:b').allowed).toBe(true);
    expect(limiter.take('address:127.0.0.1').allowed).toBe(true);
  });

  it('never refills past a minute of requests, however long a client was away', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('a');
    now = 3_600_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].map((o) => o.allowed)).toEqual([true, true, false]);
  });

  it('forgets full allowances first when it remembers too many clients', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 100_000; i++) limiter.take(`address:${i}`);
    now = 60_000;
    limiter.take('address:new');
    expect(limiter.size).toBe(1);
  });
});

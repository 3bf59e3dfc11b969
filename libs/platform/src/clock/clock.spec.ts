import { describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CLOCK, ClockModule, FixedClock, SystemClock, type Clock } from './index.js';

describe('FixedClock', () => {
  it('stands still until moved', () => {
    const clock = new FixedClock('2025-03-01T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2025-03-01T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2025-03-01T08:00:00.000Z');
  });

  it('advances by milliseconds or by named parts, and can be set', () => {
    const clock = new FixedClock('2025-03-01T08:00:00.000Z');
    clock.advance(500).advance({ days: 30, hours: 1, minutes: 2, seconds: 3 });
    expect(clock.now().toISOString()).toBe('2025-03-31T09:02:03.500Z');
    clock.set('2026-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('hands out copies, so a caller mutating its Date does not move the clock', () => {
    const clock = new FixedClock('2025-03-01T08:00:00.000Z');
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2025);
  });

  it('refuses an invalid time', () => {
    expect(() => new FixedClock('not a date')).toThrow(RangeError);
    expect(() => new FixedClock().advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('ClockModule', () => {
  @Injectable()
  class NeedsTime {
    constructor(@Inject(CLOCK) readonly clock: Clock) {}
  }

  it('injects the system clock by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ClockModule], providers: [NeedsTime] }).compile();
    expect(moduleRef.get(NeedsTime).clock).toBeInstanceOf(SystemClock);
  });

  it('injects a given clock in tests', async () => {
    const fixed = new FixedClock();
    const moduleRef = await Test.createTestingModule({ imports: [ClockModule.withClock(fixed)], providers: [NeedsTime] }).compile();
    expect(moduleRef.get(NeedsTime).clock).toBe(fixed);
  });
});

/** The only way code outside tests learns the time, so tests can fix it. */
export interface Clock {
  now(): Date;
}

/** Nest injection token for the process clock: `@Inject(CLOCK) private readonly clock: Clock`. */
export const CLOCK = Symbol.for('association-register.clock');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

export interface DurationParts {
  readonly milliseconds?: number;
  readonly seconds?: number;
  readonly minutes?: number;
  readonly hours?: number;
  readonly days?: number;
}

/** A clock that only moves when told to. `now()` returns a copy, so callers cannot move it by accident. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = '2025-01-01T00:00:00.000Z') {
    this.current = FixedClock.toMillis(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string | number): this {
    this.current = FixedClock.toMillis(to);
    return this;
  }

  /** Moves forward by milliseconds or by named parts, e.g. `advance({ days: 30 })`. Negative moves back. */
  advance(by: number | DurationParts): this {
    const ms =
      typeof by === 'number'
        ? by
        : (by.milliseconds ?? 0) +
          (by.seconds ?? 0) * 1_000 +
          (by.minutes ?? 0) * 60_000 +
          (by.hours ?? 0) * 3_600_000 +
          (by.days ?? 0) * 86_400_000;
    if (!Number.isFinite(ms)) throw new RangeError(`FixedClock.advance: not a finite duration: ${String(ms)}`);
    this.current += ms;
    return this;
  }

  private static toMillis(value: Date | string | number): number {
    const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
    if (!Number.isFinite(ms)) throw new RangeError(`FixedClock: not a valid time: ${String(value)}`);
    return ms;
  }
}

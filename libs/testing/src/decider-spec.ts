import { expect } from '@jest/globals';
import type { Actor, Decider, DecisionContext, DomainEvent, Evolver, MultiStreamDecider, StreamRef } from '#domain/shared';
import { InvalidInput, RuleViolation, NotFound } from '#domain/shared';

/** The instant every decider test runs at unless it says otherwise: 2026-03-02 10:00 in Beijing. */
export const FIXED_NOW = new Date('2026-03-02T02:00:00.000Z');

export const TEST_ADMIN: Actor = { userId: 'admin-1', role: 'ADMIN', associationId: 'assoc-wuhan' };

/**
 * given(events).when(command).then(events) for a pure decider, with a fixed clock:
 *
 *   spec.given([registered]).when(rename).then([renamed]);
 *   spec.given([]).when(bad).thenRefuses('ENTERPRISE_ALREADY_REGISTERED');
 */
export function deciderSpec<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  defaults: Partial<DecisionContext> = {},
) {
  const context: DecisionContext = { now: FIXED_NOW, actor: TEST_ADMIN, ...defaults };
  return {
    given(events: readonly E[]) {
      const state = events.reduce(decider.evolve, decider.initialState);
      return {
        when(command: C, overrides: Partial<DecisionContext> = {}) {
          // As the command handler does: the parse step first, then decide on the parsed command.
          const run = () => decider.decide(decider.parse ? decider.parse(command) : command, state, { ...context, ...overrides });
          return {
            then(expected: readonly E[]): E[] {
              const produced = run();
              expect(produced).toEqual(expected);
              return produced;
            },
            /** Returns the events for assertions of their own. */
            events(): E[] {
              return run();
            },
            thenRefuses: (rule: string) => refusedBy(run, rule),
            thenRejectsFields: (...fields: string[]) => rejectedOn(run, fields),
            thenNotFound(): NotFound {
              const error = capture(run);
              expect(error).toBeInstanceOf(NotFound);
              return error as NotFound;
            },
          };
        },
      };
    },
  };
}

type Given<States extends Record<string, unknown>> = { readonly [K in keyof States]?: readonly DomainEvent[] };
type Decided<States extends Record<string, unknown>> = { readonly [K in keyof States]?: readonly DomainEvent[] };

/**
 * given/when/then for a decision over several streams: the given events per stream (a role left out is a stream with
 * no events; an optional role whose stream the decision does not name has no state), and the events expected per
 * stream (roles left out: none).
 *
 *   spec.given({ membership: [applied], certificate: [] }).when(admit).then({ membership: [admitted], certificate: [reserved] });
 */
export function multiStreamSpec<C, States extends Record<string, unknown>>(
  decider: MultiStreamDecider<C, States>,
  defaults: Partial<DecisionContext> = {},
) {
  const context: DecisionContext = { now: FIXED_NOW, actor: TEST_ADMIN, ...defaults };
  return {
    given(events: Given<States>) {
      return {
        when(command: C, overrides: Partial<DecisionContext> = {}) {
          const run = () => {
            // As the command handler does: the parse step; streams named by the command first, then those named by their states.
            const parsed = decider.parse ? decider.parse(command) : command;
            const states: Record<string, unknown> = {};
            type Named = { evolver: Evolver<DomainEvent, unknown>; streamId?: string; dependsOn?: (s: States) => string | null } | null;
            const named = Object.entries(decider.streams(parsed)) as [string, Named][];
            const fold = (key: string, ref: NonNullable<Named>) =>
              (states[key] = ((events as Record<string, readonly DomainEvent[] | undefined>)[key] ?? []).reduce(ref.evolver.evolve, ref.evolver.initialState));
            for (const [key, ref] of named) if (ref?.streamId) fold(key, ref);
            for (const [key, ref] of named) if (ref?.dependsOn && ref.dependsOn(states as States) !== null) fold(key, ref);
            const decided = decider.decide(parsed, states as States, { ...context, ...overrides });
            return Object.fromEntries(Object.entries(decided).filter(([, e]) => (e as readonly DomainEvent[] | undefined)?.length)) as Decided<States>;
          };
          return {
            then(expected: Decided<States>): Decided<States> {
              const produced = run();
              expect(produced).toEqual(Object.fromEntries(Object.entries(expected).filter(([, e]) => (e as readonly DomainEvent[]).length > 0)));
              return produced;
            },
            events(): Decided<States> {
              return run();
            },
            thenRefuses: (rule: string) => refusedBy(run, rule),
            thenRejectsFields: (...fields: string[]) => rejectedOn(run, fields),
          };
        },
      };
    },
    /** The stream ids the decision names for a command (dependent ones resolved against no events). */
    streamsOf(command: C): Record<string, string | null> {
      return Object.fromEntries(
        Object.entries(decider.streams(command)).map(([key, ref]) => [key, ref === null ? null : ((ref as StreamRef<unknown>).streamId ?? null)]),
      );
    },
  };
}

/** The decision refused by this rule, with a message a secretariat user can read. */
function refusedBy(run: () => unknown, rule: string): RuleViolation {
  const error = capture(run);
  expect(error).toBeInstanceOf(RuleViolation);
  expect((error as RuleViolation).rule).toBe(rule);
  expect((error as RuleViolation).message.length).toBeGreaterThan(10);
  return error as RuleViolation;
}

/** The decision refused with field errors on exactly these fields. */
function rejectedOn(run: () => unknown, fields: readonly string[]): InvalidInput {
  const error = capture(run);
  expect(error).toBeInstanceOf(InvalidInput);
  expect((error as InvalidInput).fieldErrors.map((e) => e.field).sort()).toEqual([...fields].sort());
  return error as InvalidInput;
}

function capture(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the decider to refuse the command, but it produced events.');
}

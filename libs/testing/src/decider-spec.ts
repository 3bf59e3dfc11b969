import { expect } from '@jest/globals';
import type { Actor, Decider, DecisionContext, DomainEvent } from '#domain/shared';
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
          const run = () => decider.decide(command, state, { ...context, ...overrides });
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
            thenRefuses(rule: string): RuleViolation {
              const error = capture(run);
              expect(error).toBeInstanceOf(RuleViolation);
              expect((error as RuleViolation).rule).toBe(rule);
              expect((error as RuleViolation).message.length).toBeGreaterThan(10);
              return error as RuleViolation;
            },
            thenRejectsFields(...fields: string[]): InvalidInput {
              const error = capture(run);
              expect(error).toBeInstanceOf(InvalidInput);
              expect((error as InvalidInput).fieldErrors.map((e) => e.field).sort()).toEqual([...fields].sort());
              return error as InvalidInput;
            },
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

function capture(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the decider to refuse the command, but it produced events.');
}

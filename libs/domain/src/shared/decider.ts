/** Who issued a command. Mirrors the audit metadata every stored event carries. */
export interface Actor {
  readonly userId: string;
  readonly role: ActorRole;
  readonly associationId?: string | null;
  readonly enterpriseCode?: string | null;
}

export const ROLES = ['ADMIN', 'EXPERT', 'AUDITOR', 'TENDER', 'MEMBER'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The register's own scheduled work (e.g. recording credit expiries) acts as SYSTEM, so the audit trail tells
 * it apart from a person. It is not in ROLES: no token can carry it and no guard grants it anything.
 */
export const SYSTEM_ROLE = 'SYSTEM';
export type ActorRole = Role | typeof SYSTEM_ROLE;

/** Everything a decision may depend on besides the command and the state. The domain never reads a clock. */
export interface DecisionContext {
  readonly now: Date;
  readonly actor: Actor;
}

export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * A pure decider: `decide` turns a command and the current state into new events (or throws a domain error),
 * `evolve` folds one event into the state. No I/O, no clock, no framework.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

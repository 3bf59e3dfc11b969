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
 * How a stream's events fold into state: its initial state, `evolve`, and the event types the stream may hold.
 * An event of any other type in the stream is a broken invariant (the command layer refuses to decide on it).
 */
export interface Evolver<Event extends DomainEvent, State> {
  readonly initialState: State;
  /** Every event type this decider's streams hold, and no other. */
  readonly eventTypes: readonly Event['type'][];
  evolve(state: State, event: Event): State;
}

/**
 * A pure decider: `decide` turns a command and the current state into new events (or throws a domain error),
 * `evolve` folds one event into the state. No I/O, no clock, no framework.
 */
export interface Decider<Command, Event extends DomainEvent, State> extends Evolver<Event, State> {
  /**
   * The parse step: checks every field of the command (throwing InvalidInput with all field errors) and returns it
   * normalised, before the command layer reads any stream; `decide` then holds the rules that need state.
   */
  parse?(command: Command): Command;
  /**
   * The command fields that hold personal data (top-level names): the command's hash, kept in each event's metadata
   * to recognise a re-send, covers a keyed digest of them instead of the value (docs/privacy.md).
   */
  readonly personalFields?: readonly string[];
  decide(command: Command, state: State, context: DecisionContext): Event[];
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Evolver<Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/** A stream a decision reads and may append to, and how its events fold. */
export interface StreamRef<State> {
  readonly streamId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stream folds its own event type
  readonly evolver: Evolver<any, State>;
}

/**
 * A stream named by what the other streams of a decision hold (the council term whose seat a membership holds),
 * or null when there is none. It is read after the streams named by the command alone.
 */
export interface DependentStreamRef<State, States> {
  readonly dependsOn: (states: States) => string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stream folds its own event type
  readonly evolver: Evolver<any, State>;
}

/** The streams of a decision by role; an optional role may be null (no such stream) and then has no state. */
export type StreamRefs<States extends Record<string, unknown>> = {
  readonly [K in keyof States]-?:
    | StreamRef<NonNullable<States[K]>>
    | DependentStreamRef<NonNullable<States[K]>, States>
    | (undefined extends States[K] ? null : never);
};

/**
 * A decision over several streams, appended atomically or not at all: a reservation (a receipt number, a
 * certificate number, the president's seat) and the act that needs it. `streams` names the streams a command
 * touches, `decide` gets each one's folded state and answers the events for each (none for a stream it only
 * reads). Pure like a Decider; the command layer loads, retries on concurrent writers and appends.
 */
export interface MultiStreamDecider<Command, States extends Record<string, unknown>> {
  /** The parse step, as on Decider: field rules, before any stream is read. */
  parse?(command: Command): Command;
  /** As on Decider: the command fields holding personal data, hashed under a key. */
  readonly personalFields?: readonly string[];
  streams(command: Command): StreamRefs<States>;
  decide(command: Command, states: States, context: DecisionContext): { readonly [K in keyof States]?: readonly DomainEvent[] };
}

import { Injectable } from '@nestjs/common';
import {
  type ConductRecord,
  type CreditApplicationCommand,
  type CreditApplicationFacts,
  type CreditConductCommand,
  creditConductDeciderWith,
  type CreditConductFacts,
  creditConductStreamId,
  type CreditConductEvent,
  type CreditConductState,
  type CreditCycleCommand,
  creditCycleStreamId,
  type ScorerAssignmentFacts,
  type ScoringExpert,
  evolveCreditCycle,
  initialCreditConductState,
  initialCreditCycleState,
  upcastCreditConductEvent,
} from '#domain/credit';
import { enterpriseStreamId } from '#domain/enterprise';
import { evolveExpert, expertStreamId, initialExpertState, isExpertId } from '#domain/experts';
import { evolvePerson, initialPersonState, isPersonId, type PersonState, personStreamId } from '#domain/persons';
import { type Decider, NotFound } from '#domain/shared';
import type { RecordedEvent } from '#eventstore';
import { MembershipQueries } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';

/** Projections a credit mutation's payload reads from. */
export const CREDIT_READS = ['credit'];

export type CreditCycleFacts = NonNullable<CreditApplicationFacts['cycle']>;

/** Facts a caller already holds for an application command: a bulk run reads the cycle and the scoring experts once. */
export interface KnownApplicationFacts {
  readonly cycle?: CreditCycleFacts | null;
  readonly experts?: ReadonlyMap<string, ScoringExpert>;
}

/** A stored conduct event as the deciders read it: one from before records were scoped is its recorder's association's. */
const upcastStored = (event: CreditConductEvent): CreditConductEvent =>
  upcastCreditConductEvent(event, (event as Partial<Pick<RecordedEvent, 'metadata'>>).metadata?.actor.associationId);

/** The conduct decider over the stored events themselves (with their metadata), upcast, with its facts. */
export function storedConductDecider(facts: CreditConductFacts = {}): Decider<CreditConductCommand, CreditConductEvent, CreditConductState> {
  const decider = creditConductDeciderWith(facts);
  return { ...decider, evolve: (state, event) => decider.evolve(state, upcastStored(event)) };
}

/**
 * The facts a credit decision needs from outside its own stream: the cycle (its stream), the subject's conduct
 * records (the conduct stream), whether the subject is registered (the enterprise stream, or for a person the
 * person stream), and whether it is an active member (the membership register's read model, through its queries).
 */
@Injectable()
export class CreditFacts {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly memberships: MembershipQueries,
  ) {}

  async cycle(associationId: string, cycleId: string): Promise<CreditCycleFacts | null> {
    const state = await this.commands.stateOf(creditCycleStreamId(associationId, cycleId), { initialState: initialCreditCycleState, evolve: evolveCreditCycle });
    return state.status === 'none' ? null : { data: state.data, closed: state.status === 'closed', scorers: state.scorers };
  }

  /** The cycle a bulk run addresses; a run on a cycle not opened is refused as a whole. */
  async requireCycle(associationId: string, cycleId: string): Promise<CreditCycleFacts> {
    const cycle = await this.cycle(associationId, cycleId);
    if (!cycle) throw new NotFound('Credit cycle', cycleId);
    return cycle;
  }

  /** Every association's conduct records of the subject (the deciders keep to their own association's). */
  async conductRecords(subjectId: string): Promise<ConductRecord[]> {
    const state = await this.commands.stateOf(creditConductStreamId(subjectId), { initialState: initialCreditConductState, evolve: storedConductDecider().evolve });
    return [...state.records.values()];
  }

  /**
   * A person's standing in the persons register, folded from `person-<id>`; anything but a register id names no
   * person (and its stream is never read: the parse step refuses it).
   */
  async personStatus(subjectId: string): Promise<PersonState['status']> {
    if (!isPersonId(subjectId)) return 'NONE';
    return (await this.commands.stateOf(personStreamId(subjectId), { initialState: initialPersonState, evolve: evolvePerson })).status;
  }

  /** What the conduct decider needs: for a record of a person, whether the person is registered. */
  async forConduct(command: CreditConductCommand): Promise<CreditConductFacts> {
    return command.type === 'RecordCreditConduct' && isPersonId(command.subjectId) ? { person: await this.personStatus(command.subjectId) } : {};
  }

  private async activeMember(associationId: string, subjectId: string): Promise<boolean> {
    return (await this.memberships.membershipFact(associationId, subjectId))?.status === 'ACTIVE';
  }

  /** An expert's state in the association's pool, folded from their stream; an id the parse step refuses is not looked up. */
  async expert(associationId: string, expertId: unknown): Promise<ScoringExpert | null> {
    if (!isExpertId(expertId)) return null;
    return this.commands.stateOf(expertStreamId(associationId, expertId), { initialState: initialExpertState, evolve: evolveExpert });
  }

  /** What assigning a scorer needs: for an expert of the pool, their state now. */
  async forCycle(command: CreditCycleCommand): Promise<ScorerAssignmentFacts> {
    return command.type === 'AssignCreditScorer' && command.expertId != null ? { expert: await this.expert(command.associationId, command.expertId) } : {};
  }

  /** The current state of every expert of the pool the user is assigned as in the cycle, by expert id (none for staff). */
  async scoringExperts(cycle: CreditCycleFacts | null, userId: string): Promise<ReadonlyMap<string, ScoringExpert>> {
    const expertIds = [...new Set((cycle?.scorers ?? []).filter((s) => s.scorerId === userId && s.expertId != null).map((s) => s.expertId!))];
    const states = await Promise.all(expertIds.map((id) => this.expert(cycle!.data.associationId, id)));
    return new Map(expertIds.flatMap((id, n) => (states[n] ? [[id, states[n]] as const] : [])));
  }

  /**
   * What the application decider needs for this command, and nothing more. `actorUserId`: who scores (their expert
   * assignments are read); `known`: what the caller has read already.
   */
  async forApplication(command: CreditApplicationCommand, actorUserId: string, known: KnownApplicationFacts = {}): Promise<CreditApplicationFacts> {
    const cycleFacts = known.cycle === undefined ? await this.cycle(command.associationId, command.cycleId) : known.cycle;
    switch (command.type) {
      case 'ScoreCreditIndicators':
        return { cycle: cycleFacts, experts: known.experts ?? (await this.scoringExperts(cycleFacts, actorUserId)) };
      case 'FileCreditApplication': {
        // A person is looked up in the persons register, an enterprise in the enterprise register.
        const persons = cycleFacts?.data.rulebook.subjectKind === 'PERSON';
        const [subjectRegistered, person, activeMember] = await Promise.all([
          persons ? false : this.commands.streamExists(enterpriseStreamId(command.subjectId)),
          persons ? this.personStatus(command.subjectId) : undefined,
          this.activeMember(command.associationId, command.subjectId),
        ]);
        return { cycle: cycleFacts, subjectRegistered, activeMember, ...(person === undefined ? {} : { person }) };
      }
      case 'CompleteCreditReview':
      case 'ApplyConductToCreditRating':
        return { cycle: cycleFacts, conductRecords: await this.conductRecords(command.subjectId) };
      default:
        return { cycle: cycleFacts };
    }
  }
}

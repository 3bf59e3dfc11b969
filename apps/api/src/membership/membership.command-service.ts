import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseEvent } from '#domain/enterprise';
import {
  admitMemberDecider,
  type AssociationCommand,
  associationDecider,
  type AssociationEvent,
  type AssociationState,
  associationStreamId,
  type ChangeTier,
  changeTierDecider,
  councilTermDecider,
  type CouncilElectionHeld,
  councilTermOn,
  councilTermStreamId,
  type ElectionFollowUp,
  electionWorkflow,
  endMembershipDecider,
  type MembershipCommand,
  membershipDecider,
  type MembershipEnding,
  type MembershipEvent,
  type MembershipState,
  membershipStreamId,
  type RecordCouncilElection,
} from '#domain/membership';
import { type Actor, businessDate, type DecidingBody, type Decider, type DomainEvent, fold, isIsoDate, normaliseCreditCode, NotFound } from '#domain/shared';
import { runWorkflow } from '#platform';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { CommandDispatcher, type DispatchResult } from '../commands/command-dispatcher.js';
import { ARREARS_READER, type ArrearsReader } from './arrears.js';

/** Projections a membership mutation's payload reads from: the membership and its events (the audit trail). */
export const MEMBERSHIP_READS = ['membership-register', 'audit-trail'];

type Without<C, K extends string> = Omit<C, K | 'type' | 'associationId' | 'enterpriseCode'>;
type Of<T extends MembershipCommand['type']> = Extract<MembershipCommand, { type: T }>;

export interface ElectionOutcome {
  readonly result: DispatchResult;
  readonly electionId: string | null;
  /** Memberships whose tier this call raised. */
  readonly tierChangesApplied: number;
  /** Elected firms whose tier change a decider refused (the election stands). */
  readonly tierChangesRefused: ElectionFollowUp['refused'];
}

/**
 * Sends membership commands. Each command is decided by its own stream's pure decider; this service reads
 * the facts a decision needs from other streams (association charter, enterprise register, certificate and
 * president-seat reservations, dues arrears) and, where a rule spans streams, reserves first (see
 * docs/adr/0007-membership-streams.md). Every step is idempotent under the one command id.
 */
@Injectable()
export class MembershipCommandService {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly commands: CommandDispatcher,
    @Inject(ARREARS_READER) private readonly arrears: ArrearsReader,
  ) {}

  association(command: AssociationCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(associationDecider, associationStreamId(command.associationId), { command, actor, commandId }, MEMBERSHIP_READS);
  }

  async apply(associationId: string, code: string, fields: Without<Of<'ApplyForMembership'>, 'associationRegistered' | 'enterpriseRegistered'>, commandId: string | null | undefined, actor: Actor) {
    const association = await this.loadAssociation(associationId);
    const enterprise = await this.load<EnterpriseEvent, ReturnType<typeof enterpriseDecider.evolve>>(enterpriseDecider, enterpriseStreamId(code));
    return this.membership(
      {
        ...fields,
        type: 'ApplyForMembership',
        associationId,
        enterpriseCode: code,
        associationRegistered: association.status === 'registered',
        enterpriseRegistered: enterprise.status === 'registered',
      },
      commandId,
      actor,
    );
  }

  /** Admits the firm and reserves its certificate number, in one append (`admitMemberDecider`). */
  async admit(associationId: string, code: string, fields: Without<Of<'AdmitMember'>, 'admissionBodies'>, commandId: string | null | undefined, actor: Actor) {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const command: Of<'AdmitMember'> = {
      ...fields,
      type: 'AdmitMember',
      associationId,
      enterpriseCode: code,
      admissionBodies: association.charter.admissionBodies as DecidingBody[],
    };
    return this.commands.dispatchAcross(admitMemberDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }

  /**
   * Changes a tier; taking or giving up the president's seat is in the same append (`changeTierDecider`). The council
   * term covering the change (a fact of the association's record) is where a new president's seat is taken.
   */
  async changeTier(
    associationId: string,
    code: string,
    fields: Without<ChangeTier, 'councilTermNumber'>,
    commandId: string | null | undefined,
    actor: Actor,
  ): Promise<DispatchResult> {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const decidedOn = (fields.decision as { decidedOn?: unknown } | null)?.decidedOn;
    const date = fields.effectiveFrom ?? (typeof decidedOn === 'string' ? decidedOn : '');
    const term = isIsoDate(date) ? councilTermOn(association, date) : null;
    const command: ChangeTier = { ...fields, type: 'ChangeMembershipTier', associationId, enterpriseCode: code, councilTermNumber: term?.termNumber ?? null };
    return this.commands.dispatchAcross(changeTierDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }

  async remind(associationId: string, code: string, fields: Without<Of<'RecordMembershipReminder'>, 'charterGraceDays'>, commandId: string | null | undefined, actor: Actor) {
    const association = registered(await this.loadAssociation(associationId), associationId);
    return this.membership(
      { ...fields, type: 'RecordMembershipReminder', associationId, enterpriseCode: code, charterGraceDays: association.charter.reminderGraceDays },
      commandId,
      actor,
    );
  }

  async deemWithdrawn(associationId: string, code: string, effectiveFrom: string | null | undefined, commandId: string | null | undefined, actor: Actor) {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const asOf = effectiveFrom ?? businessDate(this.runtime.clock.now());
    // An invalid date reads nothing: the decider reports it on its field.
    const unpaidYears = isIsoDate(asOf) ? await this.arrears.unpaidYears(associationId, code, asOf) : [];
    return this.end(
      {
        type: 'DeemMembershipWithdrawn',
        associationId,
        enterpriseCode: code,
        effectiveFrom,
        unpaidYears,
        requiredYears: association.charter.deemedWithdrawalYears,
      },
      commandId,
      actor,
    );
  }

  /** Commands with no facts beyond the membership stream. */
  async plain(
    command: Of<'RejectApplication' | 'SanctionMember' | 'SuspendMembership' | 'ReinstateMembership'>,
    commandId: string | null | undefined,
    actor: Actor,
  ): Promise<DispatchResult> {
    registered(await this.loadAssociation(command.associationId), command.associationId);
    return this.membership(command, commandId, actor);
  }

  /** A withdrawal or an expulsion; a president firm's seat is released in the same append (`endMembershipDecider`). */
  async end(command: MembershipEnding, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    registered(await this.loadAssociation(command.associationId), command.associationId);
    return this.commands.dispatchAcross(endMembershipDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }

  /**
   * Records an election on the council term's stream, then runs the election workflow: each elected firm takes the
   * office's tier (`electionWorkflow`). Re-sending the same command id completes a follow-up a failure interrupted.
   */
  async recordElection(
    associationId: string,
    fields: Without<RecordCouncilElection, 'termRecorded' | 'activeMembers'>,
    commandId: string | null | undefined,
    actor: Actor,
  ): Promise<ElectionOutcome> {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const id = commandId ?? randomUUID();
    const candidates = (Array.isArray(fields.candidates) ? fields.candidates : []).map((c) => ({
      ...c,
      enterpriseCode: typeof c?.enterpriseCode === 'string' ? normaliseCreditCode(c.enterpriseCode) : c?.enterpriseCode,
    }));
    const runOff = fields.runOff?.map((c) => ({ ...c, enterpriseCode: normaliseCreditCode(c.enterpriseCode) })) ?? null;
    const activeMembers: string[] = [];
    for (const code of new Set(candidates.map((c) => c.enterpriseCode))) {
      if (typeof code !== 'string' || code.length !== 18) continue;
      const state = await this.loadMembership(associationId, code);
      if (state.current?.status === 'ACTIVE') activeMembers.push(code);
    }
    const termRecorded = association.councilTerms.some((t) => t.termNumber === fields.termNumber);
    const result = await this.commands.dispatch(
      councilTermDecider,
      councilTermStreamId(associationId, fields.termNumber),
      { command: { ...fields, type: 'RecordCouncilElection', associationId, candidates, runOff, termRecorded, activeMembers }, actor, commandId: id },
      MEMBERSHIP_READS,
    );
    const held = result.streams.flatMap((s) => s.events).find((e) => e.type === 'CouncilElectionHeld');
    if (!held) return { result, electionId: null, tierChangesApplied: 0, tierChangesRefused: [] };
    const run = await runWorkflow(electionWorkflow, held.data as CouncilElectionHeld['data'], id, (command, followUpId) =>
      this.commands.dispatchAcross(changeTierDecider, { command, actor, commandId: followUpId, causationId: id, correlationId: id }, MEMBERSHIP_READS),
    );
    const readModelCurrent = result.readModelCurrent && run.results.every((r) => (r as DispatchResult).readModelCurrent);
    return {
      result: { ...result, readModelCurrent },
      electionId: run.state.electionId,
      tierChangesApplied: run.results.filter((r) => !r.duplicate && r.eventCount > 0).length,
      tierChangesRefused: run.state.refused,
    };
  }

  private membership(command: MembershipCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(
      membershipDecider,
      membershipStreamId(command.associationId, command.enterpriseCode),
      { command, actor, commandId },
      MEMBERSHIP_READS,
    );
  }

  private async load<E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, stream: string): Promise<S> {
    const events = await this.runtime.store.readStream(stream);
    return fold(decider, events as unknown as E[]);
  }

  private loadAssociation(associationId: string): Promise<AssociationState> {
    return this.load<AssociationEvent, AssociationState>(associationDecider, associationStreamId(associationId));
  }

  private loadMembership(associationId: string, code: string): Promise<MembershipState> {
    return this.load<MembershipEvent, MembershipState>(membershipDecider, membershipStreamId(associationId, code));
  }
}

type Registered = Extract<AssociationState, { status: 'registered' }>;

function registered(state: AssociationState, associationId: string): Registered {
  if (state.status !== 'registered') throw new NotFound('Association', associationId);
  return state;
}

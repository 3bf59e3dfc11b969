import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseEvent } from '#domain/enterprise';
import {
  type AssociationCommand,
  associationDecider,
  type AssociationEvent,
  type AssociationState,
  associationStreamId,
  certificateDecider,
  type CertificateEvent,
  certificateStreamId,
  type ChangeMembershipTier,
  councilTermDecider,
  type CouncilElectionHeld,
  type CouncilTermEvent,
  councilTermOn,
  type CouncilTermState,
  councilTermStreamId,
  type ElectionOffice,
  MEMBERSHIP_TIERS,
  type MembershipCommand,
  membershipDecider,
  type MembershipEvent,
  type MembershipState,
  membershipStreamId,
  type MembershipTier,
  type RecordCouncilElection,
} from '#domain/membership';
import { type Actor, businessDate, type DecidingBody, type Decider, type DomainEvent, fold, isIsoDate, normaliseCreditCode, NotFound } from '#domain/shared';
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
  /** Memberships whose tier the election raised. */
  readonly tierChangesApplied: number;
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

  async admit(associationId: string, code: string, fields: Without<Of<'AdmitMember'>, 'admissionBodies' | 'certificateHolder'>, commandId: string | null | undefined, actor: Actor) {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const id = commandId ?? randomUUID();
    const certificateNumber = typeof fields.certificateNumber === 'string' ? fields.certificateNumber.trim() : '';
    const holderOf = async () => {
      if (!certificateNumber) return null;
      const state = await this.load<CertificateEvent, { holder: string | null }>(certificateDecider, certificateStreamId(associationId, certificateNumber));
      return state.holder === code ? null : state.holder;
    };
    const command: Of<'AdmitMember'> = {
      ...fields,
      type: 'AdmitMember',
      associationId,
      enterpriseCode: code,
      admissionBodies: association.charter.admissionBodies as DecidingBody[],
      certificateHolder: await holderOf(),
    };
    const state = await this.loadMembership(associationId, code);
    // Decide first without writing: bad input or a refused rule reserves nothing.
    const [admitted] = this.dryRun(membershipDecider, command, state, actor);
    if (admitted?.type === 'MembershipAdmitted') {
      await this.commands.dispatch(
        certificateDecider,
        certificateStreamId(associationId, admitted.data.certificateNumber),
        {
          command: {
            type: 'ReserveCertificateNumber',
            associationId,
            certificateNumber: admitted.data.certificateNumber,
            enterpriseCode: code,
            membershipId: admitted.data.membershipId,
          },
          actor,
          commandId: id,
        },
        [],
      );
    }
    return this.membership({ ...command, certificateHolder: await holderOf() }, id, actor);
  }

  async changeTier(
    associationId: string,
    code: string,
    fields: Without<ChangeMembershipTier, 'councilTerm'>,
    commandId: string | null | undefined,
    actor: Actor,
  ): Promise<DispatchResult> {
    const association = registered(await this.loadAssociation(associationId), associationId);
    const id = commandId ?? randomUUID();
    const decidedOn = (fields.decision as { decidedOn?: unknown } | null)?.decidedOn;
    const date = fields.effectiveFrom ?? (typeof decidedOn === 'string' ? decidedOn : '');
    const term = isIsoDate(date) ? councilTermOn(association, date) : null;
    const factFor = async (): Promise<ChangeMembershipTier['councilTerm']> => {
      if (!term) return null;
      const seat = await this.loadTerm(associationId, term.termNumber);
      const holder = seat.president?.enterpriseCode ?? null;
      return { termNumber: term.termNumber, presidentEnterpriseCode: holder === code ? null : holder };
    };
    const command: ChangeMembershipTier = { ...fields, type: 'ChangeMembershipTier', associationId, enterpriseCode: code, councilTerm: await factFor() };
    const state = await this.loadMembership(associationId, code);
    const [changed] = this.dryRun(membershipDecider, command, state, actor);
    if (changed?.type === 'MembershipTierChanged' && changed.data.tier === 'PRESIDENT' && term) {
      await this.commands.dispatch(
        councilTermDecider,
        councilTermStreamId(associationId, term.termNumber),
        {
          command: {
            type: 'TakePresidentSeat',
            associationId,
            termNumber: term.termNumber,
            enterpriseCode: code,
            membershipId: changed.data.membershipId,
            termRecorded: true,
          },
          actor,
          commandId: id,
        },
        [],
      );
    }
    const result = await this.membership({ ...command, councilTerm: await factFor() }, id, actor);
    if (changed?.type === 'MembershipTierChanged' && changed.data.previousTier === 'PRESIDENT') {
      await this.releaseSeat(association, code, changed.data.membershipId, changed.data.effectiveFrom, id, actor);
    }
    return result;
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
    return this.ending(
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

  /** Commands with no facts beyond the membership stream; an ending releases a president's seat. */
  async plain(
    command: Of<'RejectApplication' | 'SanctionMember' | 'SuspendMembership' | 'ReinstateMembership' | 'WithdrawMembership' | 'ExpelMember'>,
    commandId: string | null | undefined,
    actor: Actor,
  ): Promise<DispatchResult> {
    registered(await this.loadAssociation(command.associationId), command.associationId);
    return this.ending(command, commandId, actor);
  }

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
    const termNumber = fields.termNumber;
    const termRecorded = association.councilTerms.some((t) => t.termNumber === termNumber);
    const stream = councilTermStreamId(associationId, termNumber);
    const result = await this.commands.dispatch(
      councilTermDecider,
      stream,
      {
        command: { ...fields, type: 'RecordCouncilElection', associationId, candidates, runOff, termRecorded, activeMembers },
        actor,
        commandId: id,
      },
      MEMBERSHIP_READS,
    );
    const held = (await this.runtime.store.readStream(stream)).find(
      (e) => e.type === 'CouncilElectionHeld' && (e.data as CouncilElectionHeld['data']).office === (fields.office as ElectionOffice),
    );
    if (!held) return { result, electionId: null, tierChangesApplied: 0 };
    const election = held.data as CouncilElectionHeld['data'];
    // The elected take the office's tier (a firm already at that tier or higher keeps its tier).
    let applied = 0;
    let last: DispatchResult | null = null;
    for (const code of election.elected) {
      const state = await this.loadMembership(associationId, code);
      const tier = state.current?.tier;
      if (!tier || rank(tier) <= rank(election.tier)) continue;
      last = await this.changeTier(
        associationId,
        code,
        { tier: election.tier, decision: election.decision, effectiveFrom: election.decision.decidedOn, electionId: election.electionId },
        id,
        actor,
      );
      if (!last.duplicate) applied += 1;
    }
    if (last && !last.readModelCurrent) return { result: { ...result, readModelCurrent: false }, electionId: election.electionId, tierChangesApplied: applied };
    return { result, electionId: election.electionId, tierChangesApplied: applied };
  }

  private async ending(command: MembershipCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    const id = commandId ?? randomUUID();
    const result = await this.membership(command, id, actor);
    const events = await this.runtime.store.readStream(membershipStreamId(command.associationId, command.enterpriseCode));
    const last = events.find((e) => e.metadata.commandId === id);
    const data = last?.data as { tier?: MembershipTier; membershipId?: string; effectiveFrom?: string } | undefined;
    if (data?.tier === 'PRESIDENT' && data.membershipId && data.effectiveFrom && /Withdrawn|Expelled/.test(last!.type)) {
      const association = registered(await this.loadAssociation(command.associationId), command.associationId);
      await this.releaseSeat(association, command.enterpriseCode, data.membershipId, data.effectiveFrom, id, actor);
    }
    return result;
  }

  private async releaseSeat(association: Registered, code: string, membershipId: string, date: string, commandId: string, actor: Actor): Promise<void> {
    const term = councilTermOn(association, date);
    if (!term) return;
    await this.commands.dispatch(
      councilTermDecider,
      councilTermStreamId(association.associationId, term.termNumber),
      {
        command: { type: 'ReleasePresidentSeat', associationId: association.associationId, termNumber: term.termNumber, enterpriseCode: code, membershipId },
        actor,
        commandId,
      },
      MEMBERSHIP_READS,
    );
  }

  private membership(command: MembershipCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(
      membershipDecider,
      membershipStreamId(command.associationId, command.enterpriseCode),
      { command, actor, commandId },
      MEMBERSHIP_READS,
    );
  }

  private dryRun<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, command: C, state: S, actor: Actor): E[] {
    return decider.decide(command, state, { now: this.runtime.clock.now(), actor });
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

  private loadTerm(associationId: string, termNumber: number): Promise<CouncilTermState> {
    return this.load<CouncilTermEvent, CouncilTermState>(councilTermDecider, councilTermStreamId(associationId, termNumber));
  }
}

type Registered = Extract<AssociationState, { status: 'registered' }>;

function registered(state: AssociationState, associationId: string): Registered {
  if (state.status !== 'registered') throw new NotFound('Association', associationId);
  return state;
}

function rank(tier: MembershipTier): number {
  return MEMBERSHIP_TIERS.indexOf(tier);
}

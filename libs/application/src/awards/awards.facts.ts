import { Inject, Injectable } from '@nestjs/common';
import {
  type AwardEditionFacts,
  type AwardEditionState,
  type AwardEntryCommand,
  type AwardEntryFacts,
  type AwardEntryState,
  type AwardRulebookState,
  awardEditionStreamId,
  awardEntryStreamId,
  awardRulebookStreamId,
  type CreditGradeFact,
  type EligibilityFacts,
  evolveAwardEdition,
  evolveAwardEntry,
  evolveAwardRulebook,
  initialAwardEditionState,
  initialAwardEntryState,
  initialAwardRulebookState,
  type MembershipStandingFact,
  type PoolExpert,
} from '#domain/awards';
import { evolvePerson, initialPersonState, isPersonId, type PersonState, personStreamId } from '#domain/persons';
import { businessDate, InvalidInput } from '#domain/shared';
import { SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { AWARDS_READS as READS, AwardQueries, CreditQueries, ExpertQueries, MembershipQueries } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';
import { CreditFacts } from '../credit/credit.facts.js';

/** Projections an awards mutation's payload reads from. */
export const AWARDS_READS: readonly string[] = READS;

/** How many entry streams are folded at once for a ranking, a notice or a publication. */
const FOLD_CONCURRENCY = 16;

/**
 * The facts an awards decision needs from outside its own stream, each from the context that owns it: the edition and
 * its entries (their streams), the rulebook version (its stream), a person's standing (the persons register's
 * stream), the applicant's membership and credit grade as of the check (MembershipQueries, CreditQueries), its major
 * accidents (the credit conduct stream, through CreditFacts), earlier entries of the subject (AwardQueries), and the
 * expert pool as it stands (ExpertQueries.poolSnapshot, mapped to the draw's shape). Never another context's tables.
 */
@Injectable()
export class AwardsFacts {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly awards: AwardQueries,
    private readonly experts: ExpertQueries,
    private readonly memberships: MembershipQueries,
    private readonly credit: CreditQueries,
    private readonly creditFacts: CreditFacts,
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
  ) {}

  /** The edition's stream, folded; a key no stream can be named by is no edition. */
  async edition(associationId: string, editionId: string): Promise<AwardEditionState> {
    const streamId = streamIdOrNull(() => awardEditionStreamId(associationId, editionId));
    return streamId === null ? initialAwardEditionState : this.commands.stateOf(streamId, { initialState: initialAwardEditionState, evolve: evolveAwardEdition });
  }

  async rulebook(associationId: string, rulebookId: string): Promise<AwardRulebookState> {
    const streamId = streamIdOrNull(() => awardRulebookStreamId(associationId, rulebookId));
    return streamId === null ? initialAwardRulebookState : this.commands.stateOf(streamId, { initialState: initialAwardRulebookState, evolve: evolveAwardRulebook });
  }

  async entry(associationId: string, editionId: string, entryId: string): Promise<AwardEntryState> {
    const streamId = streamIdOrNull(() => awardEntryStreamId(associationId, editionId, entryId));
    return streamId === null ? initialAwardEntryState : this.commands.stateOf(streamId, { initialState: initialAwardEntryState, evolve: evolveAwardEntry });
  }

  /**
   * The seed an earlier delivery of this draw command recorded (the same command id re-sent): the draw is then answered
   * as it was, not drawn again from a new seed. Null when the command has not drawn.
   */
  async seedDrawnBy(associationId: string, editionId: string, entryId: string, commandId: string | null): Promise<string | null> {
    const streamId = commandId === null ? null : streamIdOrNull(() => awardEntryStreamId(associationId, editionId, entryId));
    if (streamId === null) return null;
    const events = await this.runtime.store.readStream(streamId);
    const drawn = events.find((e) => e.type === 'AwardPanelDrawn' && e.metadata.commandId === commandId);
    return drawn ? (drawn.data as { draw: { seed: string } }).draw.seed : null;
  }

  /** Every entry of the edition, folded from its stream (the read model only names them). */
  async entries(associationId: string, editionId: string): Promise<AwardEntryState[]> {
    const ids = await this.awards.entryIds(associationId, editionId);
    const states: AwardEntryState[] = new Array<AwardEntryState>(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) states[i] = await this.entry(associationId, editionId, ids[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(FOLD_CONCURRENCY, ids.length) }, worker));
    return states;
  }

  /** What an edition command reads: the entries for ranking, notice and publication. */
  async forEdition(command: { type: string; associationId: string; editionId: string }): Promise<AwardEditionFacts> {
    const needsEntries = command.type === 'RankAwardRound' || command.type === 'StartAwardNotice' || command.type === 'PublishAwardResults';
    return needsEntries ? { entries: await this.entries(command.associationId, command.editionId) } : {};
  }

  /** What an entry command reads, and nothing more. */
  async forEntry(command: AwardEntryCommand): Promise<AwardEntryFacts> {
    const edition = await this.edition(command.associationId, command.editionId);
    switch (command.type) {
      case 'SubmitAwardEntry':
        return { edition, ...(command.subjectKind === 'PERSON' ? { person: await this.personStatus(command.subjectId) } : {}) };
      case 'CheckAwardEligibility': {
        const entry = await this.entry(command.associationId, command.editionId, command.entryId);
        if (!entry.submitted || !edition.opened) return { edition };
        return { edition, eligibility: await this.eligibility(command.associationId, edition.opened.programmeCode, entry.submitted) };
      }
      case 'DrawAwardPanel':
        return { edition, pool: await this.pool(command.associationId) };
      case 'ScoreAwardEntry':
        return { edition, expertConflicts: await this.conflictsOf(command.expertId) };
      case 'ReportSiteInspection':
        return { edition, inspectorEmployerCode: (await this.experts.byId(command.inspectorExpertId))?.employerCode ?? null };
      default:
        return { edition };
    }
  }

  private today(): string {
    return businessDate(this.runtime.clock.now());
  }

  /** The pool of the association as it stands today, in the draw's shape (the snapshot is recorded with the draw). */
  async pool(associationId: string): Promise<PoolExpert[]> {
    const snapshot = await this.experts.poolSnapshot(associationId, { onDate: this.today() });
    return snapshot.map((e) => ({
      expertId: e.expertId,
      personId: e.personId,
      specialties: e.specialties,
      employerCode: e.employerCode,
      status: e.status,
      conflicts: e.conflicts.map((c) => ({ enterpriseCode: c.enterpriseCode, reason: c.reason, from: c.from, to: c.to })),
    }));
  }

  /** The expert's conflicts as declared now (withdrawn ones left out): one declared after the draw still bars a score. */
  private async conflictsOf(expertId: string): Promise<AwardEntryFacts['expertConflicts']> {
    const conflicts = await this.experts.conflicts(expertId);
    return conflicts.filter((c) => c.withdrawnOn === null).map((c) => ({ enterpriseCode: c.enterpriseCode, reason: c.reason, from: c.from, to: c.to }));
  }

  private async personStatus(subjectId: string): Promise<PersonState['status']> {
    if (!isPersonId(subjectId)) return 'NONE';
    return (await this.commands.stateOf(personStreamId(subjectId), { initialState: initialPersonState, evolve: evolvePerson })).status;
  }

  /** Each fact an eligibility check uses, as the owning context answers it today. */
  private async eligibility(associationId: string, programmeCode: string, entry: NonNullable<AwardEntryState['submitted']>): Promise<EligibilityFacts> {
    const now = this.runtime.clock.now();
    const asOf = businessDate(now);
    const firms = entry.builderCode === null ? [entry.applicantCode] : [entry.applicantCode, entry.builderCode];
    const [membership, lookup, conduct, earlierEntries] = await Promise.all([
      this.memberships.asOf(associationId, entry.applicantCode, now),
      this.credit.lookUpSubjects([entry.applicantCode], now, false),
      Promise.all(firms.map((firm) => this.creditFacts.conductRecords(firm))),
      this.awards.earlierEntries(associationId, programmeCode, entry.subjectId, entry.editionId),
    ]);
    const standing: MembershipStandingFact = {
      standing: membership?.status === 'ACTIVE' ? 'GOOD' : membership?.status === 'SUSPENDED' ? 'SUSPENDED' : 'NOT_A_MEMBER',
      asOf,
      source: membership?.membershipId ?? null,
    };
    // The association's own rating in force that day: the grade its rulebook's condition speaks of.
    const rating = lookup[0]?.ratings.find((r) => r.associationId === associationId && r.inForce) ?? null;
    const creditGrade: CreditGradeFact = { grade: rating?.grade ?? null, asOf, certificateNumber: rating?.certificateNumber ?? null };
    const majorAccidents = conduct
      .flat()
      .filter((r) => r.kind === 'ADVERSE' && r.severity === 'MAJOR' && r.occurredOn <= asOf)
      .map((r) => ({ recordId: r.recordId, occurredOn: r.occurredOn }));
    return { membership: standing, creditGrade, majorAccidents, earlierEntries };
  }
}

/** A stream id, or null when its parts name no stream (the parse step then refuses the command on its field). */
function streamIdOrNull(build: () => string): string | null {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidInput) return null;
    throw error;
  }
}

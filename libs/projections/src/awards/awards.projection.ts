import type { RecordedEvent } from '#eventstore';
import { AWARD_EDITION_EVENT_TYPES, AWARD_ENTRY_EVENT_TYPES, AWARD_RULEBOOK_EVENT_TYPES, type AwardEditionEvent, type AwardEntryEvent, type AwardRulebookEvent } from '#domain/awards';
import { isSealed } from '#domain/shared';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type AwardsEventType = AwardRulebookEvent['type'] | AwardEditionEvent['type'] | AwardEntryEvent['type'];
type DataOf<T extends AwardsEventType> = Extract<AwardRulebookEvent | AwardEditionEvent | AwardEntryEvent, { type: T }>['data'];
function dataOf<T extends AwardsEventType>(event: RecordedEvent): DataOf<T> {
  return event.data as unknown as DataOf<T>;
}

export const AWARDS_PROJECTION = 'awards';
/** What an awards mutation's payload reads (read-your-writes). */
export const AWARDS_READS = [AWARDS_PROJECTION] as const;

const EDITION: TableSpec = {
  table: 'award_edition',
  key: ['association_id', 'edition_id'],
  columns: {
    association_id: 'text', edition_id: 'text', programme_code: 'text', programme_kind: 'text', subject_kind: 'text', title: 'text', year: 'integer',
    rulebook: 'jsonb', opened_on: 'date', rounds: 'jsonb', notice_starts_on: 'date', notice_ends_on: 'date', notice_total_fen: 'bigint',
    published_on: 'date', published_at: 'timestamptz', total_fen: 'bigint', last_position: 'text',
  },
};

const ENTRY: TableSpec = {
  table: 'award_entry',
  key: ['association_id', 'edition_id', 'entry_id'],
  columns: {
    association_id: 'text', edition_id: 'text', entry_id: 'text', programme_code: 'text', category: 'text', channel: 'text', subject_kind: 'text',
    subject_id: 'text', applicant_code: 'text', builder_code: 'text', specialty: 'text', project: 'jsonb', submitted_on: 'date', status: 'text',
    eligible: 'boolean', checked_on: 'date', eligibility: 'jsonb', inspections: 'jsonb', vote: 'jsonb', vote_passed: 'boolean',
    certificate_number: 'text', grade: 'text', amount_fen: 'bigint', rank: 'integer', awarded_on: 'date', not_granted_reason: 'text',
    revocation: 'jsonb', revoked_on: 'date', last_position: 'text',
  },
};

const DRAW: TableSpec = {
  table: 'award_panel_draw',
  key: ['association_id', 'edition_id', 'entry_id', 'revision'],
  columns: {
    association_id: 'text', edition_id: 'text', entry_id: 'text', revision: 'integer', round_code: 'text', kind: 'text', replaces: 'text', draw: 'jsonb',
    event_id: 'uuid', recorded_at: 'timestamptz',
  },
};

const MEMBER: TableSpec = {
  table: 'award_panel_member',
  key: ['association_id', 'edition_id', 'entry_id', 'round_code', 'expert_id'],
  columns: {
    association_id: 'text', edition_id: 'text', entry_id: 'text', round_code: 'text', expert_id: 'text', status: 'text', recusal_reason: 'text',
    items: 'jsonb', weighted_total: 'bigint', last_position: 'text',
  },
};

const RANKING: TableSpec = {
  table: 'award_ranking',
  key: ['association_id', 'edition_id', 'round_code', 'entry_id'],
  columns: {
    association_id: 'text', edition_id: 'text', round_code: 'text', entry_id: 'text', category: 'text', rank: 'integer', score_numerator: 'bigint',
    score_denominator: 'bigint', advances: 'boolean', grade: 'text', final: 'boolean',
  },
};

const RESULT: TableSpec = {
  table: 'award_result',
  key: ['association_id', 'edition_id', 'entry_id', 'change'],
  columns: {
    association_id: 'text', edition_id: 'text', entry_id: 'text', change: 'text', category: 'text', rank: 'integer', grade: 'text', amount_fen: 'bigint',
    effective_on: 'date', recorded_at: 'timestamptz', position: 'text',
  },
};

const OBJECTION: TableSpec = {
  table: 'award_objection',
  key: ['association_id', 'edition_id', 'entry_id', 'objection_id'],
  columns: {
    association_id: 'text', edition_id: 'text', entry_id: 'text', objection_id: 'text', objector: 'jsonb', grounds: 'text', evidence_reference: 'text',
    filed_on: 'date', status: 'text', reasons: 'text', resolved_on: 'date', filed_at: 'timestamptz', resolved_at: 'timestamptz', last_position: 'text',
  },
};

const RULEBOOK_VERSION: TableSpec = {
  table: 'award_rulebook_version',
  key: ['association_id', 'rulebook_id', 'version'],
  columns: {
    association_id: 'text', rulebook_id: 'text', version: 'integer', reference_number: 'text', effective_from: 'date', rulebook: 'jsonb', defined_on: 'date',
    defined_at: 'timestamptz', position: 'text',
  },
};

const RULEBOOK_PIN: TableSpec = {
  table: 'award_rulebook_pin',
  key: ['association_id', 'rulebook_id', 'edition_id'],
  columns: { association_id: 'text', rulebook_id: 'text', edition_id: 'text', version: 'integer', pinned_at: 'timestamptz', position: 'text' },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const awardsTableSpecs: readonly TableSpec[] = [EDITION, ENTRY, DRAW, MEMBER, RANKING, RESULT, OBJECTION, RULEBOOK_VERSION, RULEBOOK_PIN];

const RULEBOOK_TYPES = new Set<string>(AWARD_RULEBOOK_EVENT_TYPES);
const EDITION_TYPES = new Set<string>(AWARD_EDITION_EVENT_TYPES);
const ENTRY_TYPES = new Set<string>(AWARD_ENTRY_EVENT_TYPES);

interface Batch {
  readonly editions: TableBuffer;
  readonly entries: TableBuffer;
  readonly draws: TableBuffer;
  readonly members: TableBuffer;
  readonly rankings: TableBuffer;
  readonly results: TableBuffer;
  readonly objections: TableBuffer;
  readonly rulebookVersions: TableBuffer;
  readonly rulebookPins: TableBuffer;
}

/** One round of an edition as its row lists them, in the order opened. */
export interface AwardRoundRow {
  readonly roundCode: string;
  readonly kind: string;
  readonly openedOn: string;
  readonly closedOn: string | null;
  readonly rankedOn: string | null;
}

/**
 * The awards read models. Edition, entry and panel-member rows keep the position of the last event that shaped them
 * and an event only changes rows older than itself; draws, rankings and result versions are inserted once by their
 * key (a stream revision, a round's entry, an entry's change), so a batch delivered twice changes nothing.
 * Set-based: each table is loaded once per batch for the keys it touches and written back in one statement.
 */
export const awardsProjection: Projection = {
  name: AWARDS_PROJECTION,
  // 2: objections and rulebook versions with their pins (rebuilt from the whole history on start).
  version: 2,
  handles: [...AWARD_RULEBOOK_EVENT_TYPES, ...AWARD_EDITION_EVENT_TYPES, ...AWARD_ENTRY_EVENT_TYPES],
  tables: ['award_edition', 'award_entry', 'award_panel_draw', 'award_panel_member', 'award_ranking', 'award_result', 'award_objection', 'award_rulebook_version', 'award_rulebook_pin'],
  async apply(events, tx) {
    const editionKeys: Value[][] = [];
    const entryKeys: Value[][] = [];
    const memberKeys: Value[][] = [];
    const objectionKeys: Value[][] = [];
    for (const event of events) {
      if (RULEBOOK_TYPES.has(event.type)) continue;
      const d = event.data as { associationId: string; editionId: string; entryId?: string; roundCode?: string; expertId?: string; objectionId?: string };
      editionKeys.push([d.associationId, d.editionId]);
      if (!ENTRY_TYPES.has(event.type)) continue;
      entryKeys.push([d.associationId, d.editionId, d.entryId!]);
      if (event.type === 'AwardEntryScored' || event.type === 'AwardExpertRecused') memberKeys.push([d.associationId, d.editionId, d.entryId!, d.roundCode!, d.expertId!]);
      if (event.type === 'AwardObjectionFiled' || event.type === 'AwardObjectionResolved') objectionKeys.push([d.associationId, d.editionId, d.entryId!, d.objectionId!]);
    }
    const batch: Batch = {
      editions: await TableBuffer.load(tx, EDITION, editionKeys),
      entries: await TableBuffer.load(tx, ENTRY, entryKeys),
      draws: new TableBuffer(DRAW),
      members: await TableBuffer.load(tx, MEMBER, memberKeys),
      rankings: new TableBuffer(RANKING),
      results: new TableBuffer(RESULT),
      objections: await TableBuffer.load(tx, OBJECTION, objectionKeys),
      rulebookVersions: new TableBuffer(RULEBOOK_VERSION),
      rulebookPins: new TableBuffer(RULEBOOK_PIN),
    };
    for (const event of events) {
      if (RULEBOOK_TYPES.has(event.type)) applyToRulebook(event as RecordedEvent<AwardRulebookEvent['type']>, batch);
      else if (EDITION_TYPES.has(event.type)) applyToEdition(event as RecordedEvent<AwardEditionEvent['type']>, batch);
      else applyToEntry(event as RecordedEvent<AwardEntryEvent['type']>, batch);
    }
    for (const table of Object.values(batch) as TableBuffer[]) await table.flush(tx);
  },
};

const json = (value: unknown): string => JSON.stringify(value);

/** The row when it exists and has not seen this event (then stamped with it), else undefined. */
function fresh(table: TableBuffer, key: readonly Value[], event: RecordedEvent): Row | undefined {
  const row = table.get(key);
  if (!row || !positionBefore(row.last_position!, event.position)) return undefined;
  row.last_position = event.position;
  table.changed(row);
  return row;
}

function rounds(row: Row): AwardRoundRow[] {
  return JSON.parse(row.rounds as string) as AwardRoundRow[];
}

/** A rulebook version is written once and never changes (ADR 0023); a pin is written once per edition. */
function applyToRulebook(event: RecordedEvent<AwardRulebookEvent['type']>, batch: Batch): void {
  if (event.type === 'AwardRulebookVersionDefined') {
    const e = dataOf<'AwardRulebookVersionDefined'>(event);
    batch.rulebookVersions.insert({
      association_id: e.associationId, rulebook_id: e.rulebook.rulebookId, version: e.rulebook.version, reference_number: e.rulebook.referenceNumber,
      effective_from: e.rulebook.effectiveFrom, rulebook: json(e.rulebook), defined_on: e.definedOn, defined_at: event.metadata.recordedAt, position: event.position,
    });
    return;
  }
  const e = dataOf<'AwardRulebookVersionPinned'>(event);
  batch.rulebookPins.insert({
    association_id: e.associationId, rulebook_id: e.rulebookId, edition_id: e.editionId, version: e.version, pinned_at: event.metadata.recordedAt, position: event.position,
  });
}

function applyToEdition(event: RecordedEvent<AwardEditionEvent['type']>, batch: Batch): void {
  const d = event.data as unknown as { associationId: string; editionId: string };
  const key = [d.associationId, d.editionId];
  if (event.type === 'AwardEditionOpened') {
    const o = dataOf<'AwardEditionOpened'>(event);
    batch.editions.insert({
      association_id: o.associationId, edition_id: o.editionId, programme_code: o.programmeCode, programme_kind: o.rulebook.programmeKind,
      subject_kind: o.rulebook.subjectKind, title: o.title, year: o.year, rulebook: json(o.rulebook), opened_on: o.openedOn, rounds: '[]',
      notice_starts_on: null, notice_ends_on: null, notice_total_fen: null, published_on: null, published_at: null, total_fen: null, last_position: event.position,
    });
    return;
  }
  const row = fresh(batch.editions, key, event);
  if (!row) return;
  switch (event.type) {
    case 'AwardRoundOpened': {
      const e = dataOf<'AwardRoundOpened'>(event);
      const rulebook = JSON.parse(row.rulebook as string) as { rounds: { code: string; kind: string }[] };
      const kind = rulebook.rounds.find((r) => r.code === e.roundCode)?.kind ?? 'DOCUMENT_REVIEW';
      row.rounds = json([...rounds(row), { roundCode: e.roundCode, kind, openedOn: e.openedOn, closedOn: null, rankedOn: null }]);
      return;
    }
    case 'AwardRoundClosed': {
      const e = dataOf<'AwardRoundClosed'>(event);
      row.rounds = json(rounds(row).map((r) => (r.roundCode === e.roundCode ? { ...r, closedOn: e.closedOn } : r)));
      return;
    }
    case 'AwardRoundRanked': {
      const e = dataOf<'AwardRoundRanked'>(event);
      row.rounds = json(rounds(row).map((r) => (r.roundCode === e.roundCode ? { ...r, rankedOn: e.rankedOn } : r)));
      for (const r of e.ranking) {
        batch.rankings.insert({
          association_id: e.associationId, edition_id: e.editionId, round_code: e.roundCode, entry_id: r.entryId, category: r.category, rank: r.rank,
          score_numerator: r.score.numerator, score_denominator: r.score.denominator, advances: r.advances, grade: r.grade, final: e.final,
        });
      }
      return;
    }
    case 'AwardNoticeStarted': {
      const e = dataOf<'AwardNoticeStarted'>(event);
      Object.assign(row, { notice_starts_on: e.startsOn, notice_ends_on: e.endsOn, notice_total_fen: e.totalFen });
      return;
    }
    case 'AwardResultsPublished': {
      const e = dataOf<'AwardResultsPublished'>(event);
      Object.assign(row, { published_on: e.publishedOn, published_at: event.metadata.recordedAt, total_fen: e.totalFen });
      for (const r of e.results) {
        batch.results.insert({
          association_id: e.associationId, edition_id: e.editionId, entry_id: r.entryId, change: 'PUBLISHED', category: r.category, rank: r.rank,
          grade: r.grade, amount_fen: r.amountFen, effective_on: e.publishedOn, recorded_at: event.metadata.recordedAt, position: event.position,
        });
      }
      return;
    }
  }
}

function applyToEntry(event: RecordedEvent<AwardEntryEvent['type']>, batch: Batch): void {
  const d = event.data as unknown as { associationId: string; editionId: string; entryId: string };
  const key = [d.associationId, d.editionId, d.entryId];
  if (event.type === 'AwardEntrySubmitted') {
    const s = dataOf<'AwardEntrySubmitted'>(event);
    const edition = batch.editions.get([s.associationId, s.editionId]);
    batch.entries.insert({
      association_id: s.associationId, edition_id: s.editionId, entry_id: s.entryId, programme_code: (edition?.programme_code as string | undefined) ?? '',
      category: s.category, channel: s.channel, subject_kind: s.subjectKind, subject_id: s.subjectId, applicant_code: s.applicantCode,
      builder_code: s.builderCode, specialty: s.specialty, project: s.project === null ? null : json(s.project), submitted_on: s.submittedOn,
      status: 'SUBMITTED', eligible: null, checked_on: null, eligibility: null, inspections: '[]', vote: null, vote_passed: null, certificate_number: null,
      grade: null, amount_fen: null, rank: null, awarded_on: null, not_granted_reason: null, revocation: null, revoked_on: null, last_position: event.position,
    });
    return;
  }
  // Draws are kept by their stream revision whatever the entry row has seen.
  if (event.type === 'AwardPanelDrawn' || event.type === 'AwardReplacementDrawn') {
    const e = dataOf<'AwardReplacementDrawn'>(event);
    batch.draws.insert({
      association_id: e.associationId, edition_id: e.editionId, entry_id: e.entryId, revision: event.revision, round_code: e.roundCode,
      kind: event.type === 'AwardPanelDrawn' ? 'DRAW' : 'REPLACEMENT', replaces: event.type === 'AwardPanelDrawn' ? null : e.replaces, draw: json(e.draw),
      event_id: event.id, recorded_at: event.metadata.recordedAt,
    });
    for (const expertId of e.draw.panel) {
      batch.members.insert({
        association_id: e.associationId, edition_id: e.editionId, entry_id: e.entryId, round_code: e.roundCode, expert_id: expertId, status: 'ON_PANEL',
        recusal_reason: null, items: null, weighted_total: null, last_position: event.position,
      });
    }
  }
  // Objections have rows of their own, each stamped with the last event that shaped it.
  if (event.type === 'AwardObjectionFiled') {
    const e = dataOf<'AwardObjectionFiled'>(event);
    // The objector is personal: kept as the sealed envelope the event holds, never a plain name (ADR 0016).
    batch.objections.insert({
      association_id: e.associationId, edition_id: e.editionId, entry_id: e.entryId, objection_id: e.objectionId, objector: isSealed(e.objector) ? json(e.objector) : null,
      grounds: e.grounds, evidence_reference: e.evidenceReference, filed_on: e.filedOn, status: 'OPEN', reasons: null, resolved_on: null,
      filed_at: event.metadata.recordedAt, resolved_at: null, last_position: event.position,
    });
    return;
  }
  if (event.type === 'AwardObjectionResolved') {
    const e = dataOf<'AwardObjectionResolved'>(event);
    const objection = fresh(batch.objections, [e.associationId, e.editionId, e.entryId, e.objectionId], event);
    if (objection) Object.assign(objection, { status: e.outcome, reasons: e.reasons, resolved_on: e.resolvedOn, resolved_at: event.metadata.recordedAt });
    return;
  }
  const row = fresh(batch.entries, key, event);
  if (!row) return;
  switch (event.type) {
    case 'AwardEligibilityChecked': {
      const e = dataOf<'AwardEligibilityChecked'>(event);
      Object.assign(row, { eligible: e.eligible, checked_on: e.checkedOn, eligibility: json(e.conditions), status: e.eligible ? 'ELIGIBLE' : 'INELIGIBLE' });
      return;
    }
    case 'AwardEntryScored': {
      const e = dataOf<'AwardEntryScored'>(event);
      const member = fresh(batch.members, [e.associationId, e.editionId, e.entryId, e.roundCode, e.expertId], event);
      if (member) Object.assign(member, { items: json(e.items), weighted_total: e.weightedTotal });
      return;
    }
    case 'AwardExpertRecused': {
      const e = dataOf<'AwardExpertRecused'>(event);
      const member = fresh(batch.members, [e.associationId, e.editionId, e.entryId, e.roundCode, e.expertId], event);
      if (member) Object.assign(member, { status: 'RECUSED', recusal_reason: e.reason, items: null, weighted_total: null });
      return;
    }
    case 'AwardSiteInspected': {
      const e = dataOf<'AwardSiteInspected'>(event);
      const { associationId: _a, editionId: _e, entryId: _n, ...inspection } = e;
      row.inspections = json([...(JSON.parse(row.inspections as string) as unknown[]), inspection]);
      return;
    }
    case 'AwardVoteRecorded': {
      const e = dataOf<'AwardVoteRecorded'>(event);
      Object.assign(row, { vote: json({ roundCode: e.roundCode, ballot: e.ballot, decision: e.decision }), vote_passed: e.passed });
      return;
    }
    case 'AwardGranted': {
      const e = dataOf<'AwardGranted'>(event);
      Object.assign(row, { status: 'AWARDED', certificate_number: e.certificateNumber, grade: e.grade, amount_fen: e.amountFen, rank: e.rank, awarded_on: e.awardedOn });
      return;
    }
    case 'AwardNotGranted': {
      const e = dataOf<'AwardNotGranted'>(event);
      Object.assign(row, { status: 'NOT_AWARDED', not_granted_reason: e.reason });
      return;
    }
    case 'AwardRevocationRequested': {
      const e = dataOf<'AwardRevocationRequested'>(event);
      row.revocation = json({ grounds: e.grounds, reason: e.reason, decision: e.decision, requestedOn: e.requestedOn, approvedOn: null, publishedOn: null });
      return;
    }
    case 'AwardRevoked': {
      const e = dataOf<'AwardRevoked'>(event);
      Object.assign(row, {
        status: 'REVOKED',
        revoked_on: e.revokedOn,
        revocation: json({
          ...(row.revocation === null ? {} : (JSON.parse(row.revocation as string) as object)),
          grounds: e.grounds,
          reason: e.reason,
          decision: e.decision,
          approvedOn: e.revokedOn,
          publishedOn: e.publishedOn,
        }),
      });
      batch.results.insert({
        association_id: e.associationId, edition_id: e.editionId, entry_id: e.entryId, change: 'REVOKED', category: row.category as string,
        rank: row.rank as number, grade: row.grade as string | null, amount_fen: row.amount_fen as number | null, effective_on: e.publishedOn,
        recorded_at: event.metadata.recordedAt, position: event.position,
      });
      return;
    }
    default:
      return;
  }
}

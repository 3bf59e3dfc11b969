import type { RecordedEvent } from '#eventstore';
import { RANKING_EVENT_TYPES, type RankingEvent, type RankingResult } from '#domain/rankings';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Recorded<T extends RankingEvent['type']> = RecordedEvent<T, Extract<RankingEvent, { type: T }>['data']>;

/**
 * Rankings read models. Append-only tables (methodology versions, figures, results, entries, list versions) are
 * inserted with ON CONFLICT DO NOTHING, so a second delivery changes nothing; the edition and objection rows
 * change, each only by an event after the one that last shaped it. Set-based like the other projections.
 */
export const rankingsProjection: Projection = {
  name: 'rankings',
  version: 1,
  handles: RANKING_EVENT_TYPES,
  tables: ['ranking_methodology', 'ranking_edition', 'ranking_figure', 'ranking_objection', 'ranking_result', 'ranking_entry', 'ranking_list_version'],
  rebuildIndexesAfterReplay: true,
  async apply(events, tx) {
    const editionKeys: Value[][] = [];
    const objectionKeys: Value[][] = [];
    for (const event of events) {
      const d = event.data as { associationId?: string; editionId?: string; objectionId?: string };
      if (d.editionId === undefined || event.type === 'RankingEditionOpened') continue;
      editionKeys.push([d.associationId!, d.editionId]);
      if (event.type === 'RankingObjectionResolved') objectionKeys.push([d.associationId!, d.editionId, d.objectionId!]);
    }
    const batch: Batch = {
      methodologies: new TableBuffer(METHODOLOGY),
      editions: await TableBuffer.load(tx, EDITION, editionKeys),
      figures: new TableBuffer(FIGURE),
      objections: await TableBuffer.load(tx, OBJECTION, objectionKeys),
      results: new TableBuffer(RESULT),
      entries: new TableBuffer(ENTRY),
      lists: new TableBuffer(LIST_VERSION),
    };
    for (const event of events) applyOne(event as RecordedEvent<RankingEvent['type']>, batch);
    for (const table of [batch.methodologies, batch.editions, batch.figures, batch.objections, batch.results, batch.entries, batch.lists]) await table.flush(tx);
  },
};

const METHODOLOGY: TableSpec = {
  table: 'ranking_methodology',
  key: ['association_id', 'methodology_id', 'version'],
  columns: {
    association_id: 'text', methodology_id: 'text', version: 'integer', title: 'text', reference_number: 'text', effective_from: 'date',
    content: 'jsonb', defined_at: 'timestamptz', last_event_id: 'uuid', last_position: 'text',
  },
};

const EDITION: TableSpec = {
  table: 'ranking_edition',
  key: ['association_id', 'edition_id'],
  columns: {
    association_id: 'text', edition_id: 'text', title: 'text', year: 'integer', methodology_id: 'text', methodology_version: 'integer',
    methodology: 'jsonb', cut_off_date: 'date', opened_on: 'date', status: 'text', figure_count: 'integer', computation_id: 'integer',
    notice_starts_on: 'date', notice_ends_on: 'date', published_version: 'integer', published_on: 'date', opened_at: 'timestamptz',
    updated_at: 'timestamptz', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const FIGURE: TableSpec = {
  table: 'ranking_figure',
  key: ['association_id', 'edition_id', 'figure_id'],
  columns: {
    association_id: 'text', edition_id: 'text', figure_id: 'integer', enterprise_code: 'text', metric: 'text', value: 'numeric',
    previous_value: 'numeric', source: 'text', evidence_reference: 'text', corrects: 'integer', reason: 'text', objection_id: 'text',
    erratum_id: 'text', recorded_on: 'date', recorded_at: 'timestamptz', event_id: 'uuid', position: 'text',
  },
};

const OBJECTION: TableSpec = {
  table: 'ranking_objection',
  key: ['association_id', 'edition_id', 'objection_id'],
  columns: {
    association_id: 'text', edition_id: 'text', objection_id: 'text', enterprise_code: 'text', grounds: 'text', evidence_reference: 'text',
    filed_on: 'date', status: 'text', reasons: 'text', resolved_on: 'date', last_event_id: 'uuid', last_position: 'text',
  },
};

const RESULT: TableSpec = {
  table: 'ranking_result',
  key: ['association_id', 'edition_id', 'result_id'],
  columns: {
    association_id: 'text', edition_id: 'text', result_id: 'text', kind: 'text', computation_id: 'integer', erratum_id: 'text',
    computed_on: 'date', methodology_version: 'integer', listed_count: 'integer', candidate_count: 'integer', tie_resolutions: 'jsonb',
    recorded_at: 'timestamptz', event_id: 'uuid', position: 'text',
  },
};

const ENTRY: TableSpec = {
  table: 'ranking_entry',
  key: ['association_id', 'edition_id', 'result_id', 'enterprise_code'],
  columns: {
    association_id: 'text', edition_id: 'text', result_id: 'text', enterprise_code: 'text', excluded: 'boolean', group_code: 'text',
    group_rank: 'integer', place: 'integer', listed: 'boolean', total: 'numeric', metrics: 'jsonb', placed_by: 'text', grounds: 'jsonb',
    details: 'jsonb',
  },
};

const LIST_VERSION: TableSpec = {
  table: 'ranking_list_version',
  key: ['association_id', 'edition_id', 'list_version'],
  columns: {
    association_id: 'text', edition_id: 'text', list_version: 'integer', result_id: 'text', published_on: 'date', erratum_id: 'text',
    erratum_reason: 'text', erratum_decision: 'jsonb', recorded_at: 'timestamptz', event_id: 'uuid', position: 'text',
  },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const rankingsTableSpecs: readonly TableSpec[] = [METHODOLOGY, EDITION, FIGURE, OBJECTION, RESULT, ENTRY, LIST_VERSION];

/** The id of a computation's result, and of an erratum's. */
export const computationResultId = (computationId: number) => `computation-${computationId}`;
export const erratumResultId = (erratumId: string) => `erratum-${erratumId}`;

interface Batch {
  readonly methodologies: TableBuffer;
  readonly editions: TableBuffer;
  readonly figures: TableBuffer;
  readonly objections: TableBuffer;
  readonly results: TableBuffer;
  readonly entries: TableBuffer;
  readonly lists: TableBuffer;
}

function applyOne(event: RecordedEvent<RankingEvent['type']>, batch: Batch): void {
  const at = event.metadata.recordedAt;
  const stamp = { last_event_id: event.id, last_position: event.position };
  switch (event.type) {
    case 'RankingMethodologyVersionDefined': {
      const d = (event as unknown as Recorded<'RankingMethodologyVersionDefined'>).data;
      batch.methodologies.insert({
        association_id: d.associationId, methodology_id: d.methodologyId, version: d.version, title: d.title, reference_number: d.referenceNumber,
        effective_from: d.effectiveFrom, content: JSON.stringify(d), defined_at: at, ...stamp,
      });
      return;
    }
    case 'RankingEditionOpened': {
      const d = (event as unknown as Recorded<'RankingEditionOpened'>).data;
      batch.editions.insert({
        association_id: d.associationId, edition_id: d.editionId, title: d.title, year: d.year, methodology_id: d.methodology.methodologyId,
        methodology_version: d.methodology.version, methodology: JSON.stringify(d.methodology), cut_off_date: d.cutOffDate, opened_on: d.openedOn,
        status: 'OPEN', figure_count: 0, computation_id: null, notice_starts_on: null, notice_ends_on: null, published_version: null,
        published_on: null, opened_at: at, updated_at: at, revision: event.revision, ...stamp,
      });
      return;
    }
    case 'RankingFigureRecorded':
    case 'RankingFigureCorrected': {
      const d = (event as unknown as Recorded<'RankingFigureCorrected'>).data;
      const corrected = event.type === 'RankingFigureCorrected';
      const inserted = batch.figures.insert({
        association_id: d.associationId, edition_id: d.editionId, figure_id: d.figureId, enterprise_code: d.enterpriseCode, metric: d.metric,
        value: d.value, previous_value: d.previousValue, source: d.source, evidence_reference: d.evidenceReference,
        corrects: corrected ? d.corrects : null, reason: corrected ? d.reason : null, objection_id: corrected ? d.objectionId : null,
        erratum_id: corrected ? d.erratumId : null, recorded_on: corrected ? d.correctedOn : (d as unknown as { recordedOn: string }).recordedOn,
        recorded_at: at, event_id: event.id, position: event.position,
      });
      if (inserted) edition(batch, event, d, (e) => ({ figure_count: Number(e.figure_count) + 1 }));
      return;
    }
    case 'RankingFirmExcluded':
      // Exclusions by decision reach the read model with the computation that applies them (its entries' grounds).
      edition(batch, event, event.data as unknown as Recorded<'RankingFirmExcluded'>['data'], () => ({}));
      return;
    case 'RankingComputed': {
      const d = (event as unknown as Recorded<'RankingComputed'>).data;
      const resultId = computationResultId(d.computationId);
      result(batch, event, d, resultId, 'COMPUTATION', d.computationId, null, d.computedOn, d.tieResolutions, d.result);
      edition(batch, event, d, () => ({ status: 'COMPUTED', computation_id: d.computationId, notice_starts_on: null, notice_ends_on: null }));
      return;
    }
    case 'RankingNoticeStarted': {
      const d = (event as unknown as Recorded<'RankingNoticeStarted'>).data;
      edition(batch, event, d, () => ({ status: 'IN_NOTICE', notice_starts_on: d.startsOn, notice_ends_on: d.endsOn }));
      return;
    }
    case 'RankingObjectionFiled': {
      const d = (event as unknown as Recorded<'RankingObjectionFiled'>).data;
      batch.objections.insert({
        association_id: d.associationId, edition_id: d.editionId, objection_id: d.objectionId, enterprise_code: d.enterpriseCode, grounds: d.grounds,
        evidence_reference: d.evidenceReference, filed_on: d.filedOn, status: 'OPEN', reasons: null, resolved_on: null, ...stamp,
      });
      edition(batch, event, d, () => ({}));
      return;
    }
    case 'RankingObjectionResolved': {
      const d = (event as unknown as Recorded<'RankingObjectionResolved'>).data;
      const row = batch.objections.get([d.associationId, d.editionId, d.objectionId]);
      if (row && positionBefore(row.last_position!, event.position)) {
        Object.assign(row, { status: d.outcome, reasons: d.reasons, resolved_on: d.resolvedOn, ...stamp });
        batch.objections.changed(row);
      }
      // Upheld, the notice and the computation it showed are set aside.
      edition(batch, event, d, (): Row => (d.outcome === 'UPHELD' ? { status: 'OPEN', computation_id: null, notice_starts_on: null, notice_ends_on: null } : {}));
      return;
    }
    case 'RankingPublished': {
      const d = (event as unknown as Recorded<'RankingPublished'>).data;
      batch.lists.insert({
        association_id: d.associationId, edition_id: d.editionId, list_version: d.listVersion, result_id: computationResultId(d.computationId),
        published_on: d.publishedOn, erratum_id: null, erratum_reason: null, erratum_decision: null, recorded_at: at, event_id: event.id, position: event.position,
      });
      edition(batch, event, d, () => ({ status: 'PUBLISHED', published_version: d.listVersion, published_on: d.publishedOn }));
      return;
    }
    case 'RankingErratumIssued': {
      const d = (event as unknown as Recorded<'RankingErratumIssued'>).data;
      const resultId = erratumResultId(d.erratumId);
      result(batch, event, d, resultId, 'ERRATUM', null, d.erratumId, d.issuedOn, d.tieResolutions, d.result);
      batch.lists.insert({
        association_id: d.associationId, edition_id: d.editionId, list_version: d.listVersion, result_id: resultId, published_on: d.issuedOn,
        erratum_id: d.erratumId, erratum_reason: d.reason, erratum_decision: JSON.stringify(d.decision), recorded_at: at, event_id: event.id, position: event.position,
      });
      edition(batch, event, d, () => ({ published_version: d.listVersion }));
      return;
    }
  }
}

function result(
  batch: Batch,
  event: RecordedEvent,
  key: { associationId: string; editionId: string },
  resultId: string,
  kind: 'COMPUTATION' | 'ERRATUM',
  computationId: number | null,
  erratumId: string | null,
  computedOn: string,
  tieResolutions: unknown,
  computed: RankingResult,
): void {
  const inserted = batch.results.insert({
    association_id: key.associationId, edition_id: key.editionId, result_id: resultId, kind, computation_id: computationId, erratum_id: erratumId,
    computed_on: computedOn, methodology_version: computed.methodologyVersion, listed_count: computed.listedCount,
    candidate_count: computed.entries.length + computed.exclusions.length, tie_resolutions: JSON.stringify(tieResolutions),
    recorded_at: event.metadata.recordedAt, event_id: event.id, position: event.position,
  });
  if (!inserted) return;
  const base = { association_id: key.associationId, edition_id: key.editionId, result_id: resultId };
  for (const e of computed.entries) {
    batch.entries.insert({
      ...base, enterprise_code: e.enterpriseCode, excluded: false, group_code: e.groupCode, group_rank: e.groupRank, place: e.position, listed: e.listed,
      total: e.total, metrics: JSON.stringify(e.metrics), placed_by: e.placedBy, grounds: '[]', details: '[]',
    });
  }
  for (const x of computed.exclusions) {
    batch.entries.insert({
      ...base, enterprise_code: x.enterpriseCode, excluded: true, group_code: null, group_rank: null, place: null, listed: false, total: null,
      metrics: '[]', placed_by: null, grounds: JSON.stringify(x.grounds), details: JSON.stringify(x.details),
    });
  }
}

/** Changes the edition row (when it has not seen this event) and stamps it. */
function edition(batch: Batch, event: RecordedEvent, key: { associationId: string; editionId: string }, set: (row: Row) => Row): void {
  const row = batch.editions.get([key.associationId, key.editionId]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  Object.assign(row, set(row), { updated_at: event.metadata.recordedAt, revision: event.revision, last_event_id: event.id, last_position: event.position });
  batch.editions.changed(row);
}

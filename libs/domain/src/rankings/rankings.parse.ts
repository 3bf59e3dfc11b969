import { OWNERSHIPS, QUALIFICATION_GRADES } from '../enterprise/enterprise.events.js';
import {
  calendarDate,
  FieldErrors,
  matches,
  oneOf,
  optionalText,
  requiredText,
  validAssociationId,
  validDecisionRecord,
  wholeNumber,
} from '../shared/index.js';
import type {
  FigureCorrection,
  FigureRow,
  RankingEditionCommand,
  RankingMethodologyCommand,
} from './rankings.commands.js';
import { CORRECTIONS_MAX, FIGURE_ROWS_MAX, GROUPS_MAX, METRICS_MAX, OBJECTION_OUTCOMES, TIE_RESOLUTIONS_MAX } from './rankings.commands.js';
import type { TieResolution } from './rankings.compute.js';
import { canonicalDecimal, DECIMAL_PATTERN } from './rankings.decimal.js';
import { FIGURE_SOURCES, NORMALISATIONS, type RankingGroup, type RankingMetric, TIE_BREAK_FINALS } from './rankings.methodology.js';

// The parse steps of rankings: every field of a command checked at once, before any stream is read.

export const RANKING_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const RANKING_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
/** A unified social credit code's shape (GB 32100-2015 alphabet); the enterprise register holds the firms themselves. */
export const ENTERPRISE_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const CREDIT_GRADE = /^[A-Z][A-Z+-]{0,9}$/;
const TEXT_MAX = 2000;
const ID_MESSAGE = 'must be 1 to 64 lowercase letters, digits and hyphens.';
const CODE_MESSAGE = 'must be upper-case letters, digits and underscores, starting with a letter (at most 40).';

function list<T>(errors: FieldErrors, field: string, value: unknown, max: number, min = 0): readonly T[] {
  if (!Array.isArray(value)) {
    errors.add(field, 'must be a list.');
    return [];
  }
  if (value.length < min || value.length > max) errors.add(field, `must hold ${min} to ${max} entries (got ${value.length}).`);
  return value.slice(0, max) as T[];
}

function decimal(errors: FieldErrors, field: string, value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value)) {
    errors.add(field, 'must be a decimal number with at most 15 digits before the point and 4 after, e.g. 12345.67 or -3.5.');
    return '0.0000';
  }
  return canonicalDecimal(value);
}

function enterpriseCode(errors: FieldErrors, field: string, value: unknown): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : value;
  return matches(errors, field, code, ENTERPRISE_CODE, 'must be an 18-character unified social credit code.');
}

function uniqueCodes(errors: FieldErrors, field: string, codes: readonly string[]): void {
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    if (seen.has(code)) errors.add(`${field}.${i}.code`, `repeats ${code}.`);
    seen.add(code);
  });
}

function key(errors: FieldErrors, command: { associationId: unknown; editionId?: unknown }): void {
  validAssociationId(errors, 'associationId', command.associationId);
  if ('editionId' in command) matches(errors, 'editionId', command.editionId, RANKING_ID, ID_MESSAGE);
}

export function parseRankingMethodology(command: RankingMethodologyCommand): RankingMethodologyCommand {
  const errors = new FieldErrors();
  validAssociationId(errors, 'associationId', command.associationId);
  matches(errors, 'methodologyId', command.methodologyId, RANKING_ID, ID_MESSAGE);
  const metrics = list<RankingMetric>(errors, 'metrics', command.metrics, METRICS_MAX, 1).map(
    (m, i): RankingMetric => ({
      code: matches(errors, `metrics.${i}.code`, m?.code, RANKING_CODE, CODE_MESSAGE),
      name: requiredText(errors, `metrics.${i}.name`, m?.name, { max: 200, label: 'The metric name' }),
      weight: wholeNumber(errors, `metrics.${i}.weight`, m?.weight, 1, 100),
      normalisation: oneOf(errors, `metrics.${i}.normalisation`, m?.normalisation, NORMALISATIONS),
      unit: requiredText(errors, `metrics.${i}.unit`, m?.unit, { max: 20, label: 'The unit' }),
    }),
  );
  uniqueCodes(errors, 'metrics', metrics.map((m) => m.code));
  const groups = list<RankingGroup>(errors, 'groups', command.groups, GROUPS_MAX, 1).map(
    (g, i): RankingGroup => ({
      code: matches(errors, `groups.${i}.code`, g?.code, RANKING_CODE, CODE_MESSAGE),
      name: requiredText(errors, `groups.${i}.name`, g?.name, { max: 200, label: 'The group name' }),
      qualificationGrades: list<string>(errors, `groups.${i}.qualificationGrades`, g?.qualificationGrades, QUALIFICATION_GRADES.length).map((grade, j) =>
        oneOf(errors, `groups.${i}.qualificationGrades.${j}`, grade, QUALIFICATION_GRADES),
      ),
      listSize: wholeNumber(errors, `groups.${i}.listSize`, g?.listSize, 1, 10_000),
    }),
  );
  uniqueCodes(errors, 'groups', groups.map((g) => g.code));
  const filters = command.filters ?? ({} as typeof command.filters);
  const parsed: RankingMethodologyCommand = {
    ...command,
    title: requiredText(errors, 'title', command.title, { max: 200, label: 'The title' }),
    referenceNumber: requiredText(errors, 'referenceNumber', command.referenceNumber, { max: 100, label: 'The reference number' }),
    effectiveFrom: calendarDate(errors, 'effectiveFrom', command.effectiveFrom),
    metrics,
    groups,
    filters: {
      ownerships: list<string>(errors, 'filters.ownerships', filters.ownerships, OWNERSHIPS.length).map((o, i) => oneOf(errors, `filters.ownerships.${i}`, o, OWNERSHIPS)),
      acceptedCreditGrades: list<string>(errors, 'filters.acceptedCreditGrades', filters.acceptedCreditGrades, 20).map((g, i) =>
        matches(errors, `filters.acceptedCreditGrades.${i}`, g, CREDIT_GRADE, 'must be a credit grade such as AAA, AA or A.'),
      ),
      memberInGoodStanding: typeof filters.memberInGoodStanding === 'boolean' ? filters.memberInGoodStanding : (errors.add('filters.memberInGoodStanding', 'must be true or false.'), false),
      blacklistConductCodes: list<string>(errors, 'filters.blacklistConductCodes', filters.blacklistConductCodes, 20).map((c, i) =>
        matches(errors, `filters.blacklistConductCodes.${i}`, c, RANKING_CODE, CODE_MESSAGE),
      ),
    },
    listSize: wholeNumber(errors, 'listSize', command.listSize, 1, 100_000),
    tieBreak: {
      metrics: list<string>(errors, 'tieBreak.metrics', command.tieBreak?.metrics, METRICS_MAX).map((c, i) => matches(errors, `tieBreak.metrics.${i}`, c, RANKING_CODE, CODE_MESSAGE)),
      thenBy: oneOf(errors, 'tieBreak.thenBy', command.tieBreak?.thenBy, TIE_BREAK_FINALS),
    },
    noticeDays: wholeNumber(errors, 'noticeDays', command.noticeDays, 1, 60),
  };
  errors.throwIfAny();
  return parsed;
}

function figureRow(errors: FieldErrors, field: string, row: FigureRow): FigureRow {
  return {
    enterpriseCode: enterpriseCode(errors, `${field}.enterpriseCode`, row?.enterpriseCode),
    metric: matches(errors, `${field}.metric`, row?.metric, RANKING_CODE, CODE_MESSAGE),
    value: decimal(errors, `${field}.value`, row?.value),
    previousValue: row?.previousValue == null ? null : decimal(errors, `${field}.previousValue`, row.previousValue),
    source: oneOf(errors, `${field}.source`, row?.source, FIGURE_SOURCES),
    evidenceReference: requiredText(errors, `${field}.evidenceReference`, row?.evidenceReference, { max: 200, label: 'The evidence reference' }),
  };
}

function correction(errors: FieldErrors, field: string, value: FigureCorrection): FigureCorrection {
  const prefix = field === '' ? '' : `${field}.`;
  return {
    figureId: wholeNumber(errors, `${prefix}figureId`, value?.figureId, 1, Number.MAX_SAFE_INTEGER),
    value: decimal(errors, `${prefix}value`, value?.value),
    previousValue: value?.previousValue == null ? null : decimal(errors, `${prefix}previousValue`, value.previousValue),
    source: oneOf(errors, `${prefix}source`, value?.source, FIGURE_SOURCES),
    evidenceReference: requiredText(errors, `${prefix}evidenceReference`, value?.evidenceReference, { max: 200, label: 'The evidence reference' }),
  };
}

function tieResolutions(errors: FieldErrors, value: unknown): TieResolution[] {
  return list<TieResolution>(errors, 'tieResolutions', value ?? [], TIE_RESOLUTIONS_MAX).map((r, i) => {
    const order = list<string>(errors, `tieResolutions.${i}.order`, r?.order, 1000, 2).map((c, j) => enterpriseCode(errors, `tieResolutions.${i}.order.${j}`, c));
    if (new Set(order).size !== order.length) errors.add(`tieResolutions.${i}.order`, 'names a firm twice.');
    return { order, decision: validDecisionRecord(errors, `tieResolutions.${i}.decision`, r?.decision) };
  });
}

export function parseRankingEdition<C extends RankingEditionCommand>(command: C): C {
  const errors = new FieldErrors();
  key(errors, command);
  let parsed: RankingEditionCommand = command;
  switch (command.type) {
    case 'OpenRankingEdition':
      parsed = {
        ...command,
        title: requiredText(errors, 'title', command.title, { max: 200, label: 'The title' }),
        year: wholeNumber(errors, 'year', command.year, 1990, 2200),
        methodologyId: matches(errors, 'methodologyId', command.methodologyId, RANKING_ID, ID_MESSAGE),
        methodologyVersion: wholeNumber(errors, 'methodologyVersion', command.methodologyVersion, 1, 10_000),
        cutOffDate: calendarDate(errors, 'cutOffDate', command.cutOffDate),
      };
      break;
    case 'RecordRankingFigures':
      parsed = { ...command, rows: list<FigureRow>(errors, 'rows', command.rows, FIGURE_ROWS_MAX, 1).map((row, i) => figureRow(errors, `rows.${i}`, row)) };
      break;
    case 'CorrectRankingFigure':
      parsed = { ...command, ...correction(errors, '', command), reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' }) };
      break;
    case 'ExcludeRankingFirm':
      parsed = {
        ...command,
        enterpriseCode: enterpriseCode(errors, 'enterpriseCode', command.enterpriseCode),
        grounds: requiredText(errors, 'grounds', command.grounds, { multiline: true, max: TEXT_MAX, label: 'The grounds' }),
        decision: validDecisionRecord(errors, 'decision', command.decision),
      };
      break;
    case 'ComputeRanking':
      parsed = { ...command, tieResolutions: tieResolutions(errors, command.tieResolutions) };
      break;
    case 'StartRankingNotice':
      parsed = { ...command, startsOn: command.startsOn == null ? null : calendarDate(errors, 'startsOn', command.startsOn) };
      break;
    case 'FileRankingObjection':
      parsed = {
        ...command,
        objectionId: matches(errors, 'objectionId', command.objectionId, RANKING_ID, ID_MESSAGE),
        enterpriseCode: enterpriseCode(errors, 'enterpriseCode', command.enterpriseCode),
        grounds: requiredText(errors, 'grounds', command.grounds, { multiline: true, max: TEXT_MAX, label: 'The grounds' }),
        evidenceReference: optionalText(errors, 'evidenceReference', command.evidenceReference, { max: 200, label: 'The evidence reference' }) ?? null,
      };
      break;
    case 'ResolveRankingObjection':
      parsed = {
        ...command,
        objectionId: matches(errors, 'objectionId', command.objectionId, RANKING_ID, ID_MESSAGE),
        outcome: oneOf(errors, 'outcome', command.outcome, OBJECTION_OUTCOMES),
        reasons: requiredText(errors, 'reasons', command.reasons, { multiline: true, max: TEXT_MAX, label: 'The reasons' }),
        corrections: list<FigureCorrection>(errors, 'corrections', command.corrections ?? [], CORRECTIONS_MAX).map((c, i) => correction(errors, `corrections.${i}`, c)),
      };
      break;
    case 'PublishRanking':
      break;
    case 'IssueRankingErratum':
      parsed = {
        ...command,
        erratumId: matches(errors, 'erratumId', command.erratumId, RANKING_ID, ID_MESSAGE),
        reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' }),
        decision: validDecisionRecord(errors, 'decision', command.decision),
        corrections: list<FigureCorrection>(errors, 'corrections', command.corrections ?? [], CORRECTIONS_MAX).map((c, i) => correction(errors, `corrections.${i}`, c)),
        exclusions: list<{ enterpriseCode: string; grounds: string }>(errors, 'exclusions', command.exclusions ?? [], CORRECTIONS_MAX).map((e, i) => ({
          enterpriseCode: enterpriseCode(errors, `exclusions.${i}.enterpriseCode`, e?.enterpriseCode),
          grounds: requiredText(errors, `exclusions.${i}.grounds`, e?.grounds, { multiline: true, max: TEXT_MAX, label: 'The grounds' }),
        })),
        tieResolutions: tieResolutions(errors, command.tieResolutions),
      };
      break;
  }
  errors.throwIfAny();
  return parsed as C;
}

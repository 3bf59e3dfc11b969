import type { EventFieldClasses } from '../visibility/field-classes.js';
import type { RankingEvent } from './rankings.events.js';

const EDITION = { associationId: 'public', editionId: 'public' } as const;
const FIGURE = {
  ...EDITION,
  figureId: 'public',
  enterpriseCode: 'public',
  metric: 'public',
  value: 'public',
  previousValue: 'public',
  source: 'public',
  evidenceReference: 'public',
} as const;

/**
 * The class of every field of every rankings event (ADR 0014). Rankings are about firms only: methodologies,
 * figures, evidence references, exclusions, computations, objections (by a firm) and errata are public once the
 * operation that reads them admits the caller. No field is personal, sensitive or a staff identity, so nothing is
 * sealed and no event needs a data key.
 */
export const RANKINGS_EVENT_FIELD_CLASSES: EventFieldClasses<RankingEvent> = {
  RankingMethodologyVersionDefined: {
    associationId: 'public',
    methodologyId: 'public',
    version: 'public',
    title: 'public',
    referenceNumber: 'public',
    effectiveFrom: 'public',
    metrics: 'public',
    groups: 'public',
    filters: 'public',
    listSize: 'public',
    tieBreak: 'public',
    noticeDays: 'public',
  },
  RankingEditionOpened: { ...EDITION, title: 'public', year: 'public', methodology: 'public', cutOffDate: 'public', openedOn: 'public' },
  RankingFigureRecorded: { ...FIGURE, recordedOn: 'public' },
  RankingFigureCorrected: { ...FIGURE, corrects: 'public', reason: 'public', objectionId: 'public', erratumId: 'public', correctedOn: 'public' },
  RankingFirmExcluded: { ...EDITION, enterpriseCode: 'public', grounds: 'public', decision: 'public', erratumId: 'public', excludedOn: 'public' },
  RankingComputed: { ...EDITION, computationId: 'public', computedOn: 'public', eligibility: 'public', tieResolutions: 'public', result: 'public' },
  RankingNoticeStarted: { ...EDITION, computationId: 'public', startsOn: 'public', endsOn: 'public', noticeDays: 'public' },
  RankingObjectionFiled: { ...EDITION, objectionId: 'public', enterpriseCode: 'public', grounds: 'public', evidenceReference: 'public', filedOn: 'public' },
  RankingObjectionResolved: { ...EDITION, objectionId: 'public', outcome: 'public', reasons: 'public', resolvedOn: 'public' },
  RankingPublished: { ...EDITION, computationId: 'public', listVersion: 'public', publishedOn: 'public' },
  RankingErratumIssued: {
    ...EDITION,
    erratumId: 'public',
    listVersion: 'public',
    reason: 'public',
    decision: 'public',
    tieResolutions: 'public',
    result: 'public',
    issuedOn: 'public',
  },
};

import type { EventFieldClasses, PersonalDataOwners } from '../visibility/field-classes.js';
import type { AwardsEvent } from './awards.events.js';

const EDITION = { associationId: 'public', editionId: 'public' } as const;
const ENTRY = { ...EDITION, entryId: 'public' } as const;
const THRESHOLD = 'public';
/** A recorded draw: the pool's experts are named by their pool id (staff, like credit's scorers) and person id (public). */
const DRAW = {
  seed: 'public',
  pool: { expertId: 'staff', personId: 'public', specialties: 'public', employerCode: 'public', status: 'public', conflicts: 'public' },
  specialty: 'public',
  applicantCode: 'public',
  builderCode: 'public',
  checkDate: 'public',
  size: 'public',
  onPanel: 'staff',
  recused: 'staff',
  startPosition: 'public',
  panel: 'staff',
  exclusions: { expertId: 'staff', grounds: 'public' },
  endPosition: 'public',
  poolDigest: 'public',
} as const;
const SCORE = { expertId: 'staff', items: 'public', weightedTotal: 'public' } as const;
const RESULTS = 'public';

/**
 * The class of every field of every awards event (ADR 0014). A person entry names its subject by person id (the
 * persons register holds the name, sealed); experts appear by pool id, classed staff like credit's scorers; the
 * objector of a notice is personal (sealed under a key of that objection); who requested and approved a revocation
 * are staff. Rules, scores, rankings, votes and results are public.
 */
export const AWARDS_EVENT_FIELD_CLASSES: EventFieldClasses<AwardsEvent> = {
  AwardRulebookVersionDefined: { associationId: 'public', rulebook: 'public', definedOn: 'public' },
  AwardRulebookVersionPinned: { associationId: 'public', rulebookId: 'public', version: 'public', editionId: 'public' },
  AwardEditionOpened: { ...EDITION, programmeCode: 'public', title: 'public', year: 'public', rulebook: 'public', openedOn: 'public' },
  AwardRoundOpened: { ...EDITION, roundCode: 'public', openedOn: 'public' },
  AwardRoundClosed: { ...EDITION, roundCode: 'public', closedOn: 'public' },
  AwardRoundRanked: {
    ...EDITION,
    roundCode: 'public',
    rulebookId: 'public',
    rulebookVersion: 'public',
    final: 'public',
    rankedOn: 'public',
    inputs: { entryId: 'public', category: 'public', submittedOn: 'public', scores: SCORE, inspection: 'public' },
    normalisation: { expertId: 'staff', judgeMean: 'public', roundMean: 'public', offset: 'public' },
    ranking: 'public',
  },
  AwardNoticeStarted: { ...EDITION, startsOn: 'public', endsOn: 'public', noticeDays: 'public', results: RESULTS, totalFen: 'public' },
  AwardResultsPublished: { ...EDITION, publishedOn: 'public', results: RESULTS, totalFen: 'public' },
  AwardEntrySubmitted: {
    ...ENTRY,
    category: 'public',
    channel: 'public',
    subjectKind: 'public',
    subjectId: 'public',
    applicantCode: 'public',
    builderCode: 'public',
    specialty: 'public',
    project: 'public',
    submittedOn: 'public',
  },
  AwardEligibilityChecked: { ...ENTRY, checkedOn: 'public', rulebookVersion: 'public', conditions: 'public', eligible: 'public' },
  AwardPanelDrawn: { ...ENTRY, roundCode: 'public', draw: DRAW },
  AwardEntryScored: { ...ENTRY, roundCode: 'public', ...SCORE, previousTotal: 'public' },
  AwardExpertRecused: { ...ENTRY, roundCode: 'public', expertId: 'staff', reason: 'public', droppedScore: 'public' },
  AwardReplacementDrawn: { ...ENTRY, roundCode: 'public', replaces: 'staff', draw: DRAW },
  AwardSiteInspected: {
    ...ENTRY,
    roundCode: 'public',
    inspectorExpertId: 'staff',
    inspectorEmployerCode: 'public',
    reportReference: 'public',
    findings: 'public',
    passed: 'public',
    inspectedOn: 'public',
  },
  AwardVoteRecorded: { ...ENTRY, roundCode: 'public', ballot: 'public', decision: 'public', passed: THRESHOLD },
  AwardObjectionFiled: { ...ENTRY, objectionId: 'public', objector: 'personal', grounds: 'public', evidenceReference: 'public', filedOn: 'public' },
  AwardObjectionResolved: { ...ENTRY, objectionId: 'public', outcome: 'public', reasons: 'public', resolvedOn: 'public' },
  AwardGranted: {
    ...ENTRY,
    certificateNumber: 'public',
    category: 'public',
    grade: 'public',
    amountFen: 'public',
    rank: 'public',
    awardedOn: 'public',
    rulebookId: 'public',
    rulebookVersion: 'public',
  },
  AwardNotGranted: { ...ENTRY, reason: 'public', decidedOn: 'public' },
  AwardRevocationRequested: { ...ENTRY, grounds: 'public', reason: 'public', decision: 'public', requestedBy: 'staff', requestedOn: 'public' },
  AwardRevoked: {
    ...ENTRY,
    certificateNumber: 'public',
    grounds: 'public',
    reason: 'public',
    decision: 'public',
    requestedBy: 'staff',
    approvedBy: 'staff',
    revokedOn: 'public',
    publishedOn: 'public',
  },
  AwardSubjectEntered: { ...EDITION, subjectId: 'public', entryId: 'public', channel: 'public' },
  AwardChannelSlotTaken: { ...EDITION, channel: 'public', entryId: 'public', slot: 'public', quota: 'public' },
  AwardCertificateReserved: { associationId: 'public', certificateNumber: 'public', editionId: 'public', entryId: 'public' },
};

/** An objector is not in the persons register: their name is sealed under a data key of this one objection (docs/privacy.md). */
export function awardObjectorKeyId(data: { associationId: string; editionId: string; entryId: string; objectionId: string }): string {
  return `awardObjector:${data.associationId}:${data.editionId}:${data.entryId}:${data.objectionId}`;
}

export const AWARDS_PERSONAL_DATA_OWNERS: PersonalDataOwners<AwardsEvent> = {
  AwardObjectionFiled: awardObjectorKeyId,
};

import { type DecisionRecord, defineStreamKind, type DomainEvent, type Fen, type Personal } from '../shared/index.js';
import type { BallotMode, EntrySubjectKind, AwardRulebook } from './awards.rulebook.js';
import type { PanelDrawRecord } from './panel-draw.js';

// ---- rulebook: awardRulebook-<associationId>:<rulebookId> ----------------------------------------------------

/** A version of a rulebook (评选办法), numbered in the order defined; a defined version never changes. */
export type AwardRulebookVersionDefined = DomainEvent<'AwardRulebookVersionDefined', { readonly associationId: string; readonly rulebook: AwardRulebook; readonly definedOn: string }>;
/** An edition runs under this version (recorded on the rulebook's stream in the same append as the edition's opening). */
export type AwardRulebookVersionPinned = DomainEvent<
  'AwardRulebookVersionPinned',
  { readonly associationId: string; readonly rulebookId: string; readonly version: number; readonly editionId: string }
>;
export type AwardRulebookEvent = AwardRulebookVersionDefined | AwardRulebookVersionPinned;

// ---- edition: awardEdition-<associationId>:<editionId> -------------------------------------------------------

interface EditionKey {
  readonly associationId: string;
  readonly editionId: string;
}

/** An edition of a programme (the 21st 黄鹤奖, the 2022 QC results), opened on a rulebook version copied whole. */
export type AwardEditionOpened = DomainEvent<
  'AwardEditionOpened',
  EditionKey & {
    readonly programmeCode: string;
    readonly title: string;
    readonly year: number;
    readonly rulebook: AwardRulebook;
    readonly openedOn: string;
  }
>;
export type AwardRoundOpened = DomainEvent<'AwardRoundOpened', EditionKey & { readonly roundCode: string; readonly openedOn: string }>;
/** Closing a round locks its scores: none is given, changed or dropped after it. */
export type AwardRoundClosed = DomainEvent<'AwardRoundClosed', EditionKey & { readonly roundCode: string; readonly closedOn: string }>;

/** One judge's locked score of an entry, as the ranking used it. */
export interface JudgeScore {
  readonly expertId: string;
  readonly items: readonly ItemScore[];
  /** Σ points × weight (see `weightedTotal`). */
  readonly weightedTotal: number;
}

export interface ItemScore {
  readonly code: string;
  /** Hundredths of a point. */
  readonly points: number;
}

/** What the ranking read of one entry: recorded so the ranking can be recomputed from it alone. */
export interface RankingInput {
  readonly entryId: string;
  readonly category: string;
  readonly submittedOn: string;
  readonly scores: readonly JudgeScore[];
  /** In a site inspection round: the report and its verdict (a failed inspection is ranked but does not advance); else null. */
  readonly inspection: { readonly reportReference: string; readonly passed: boolean } | null;
}

/**
 * Per-judge normalisation (JUDGE_MEAN_CENTRED): the judge's mean and the round's mean as exact fractions, and the
 * offset added to each of the judge's totals, rounded half up to a whole weighted unit.
 */
export interface JudgeNormalisation {
  readonly expertId: string;
  readonly judgeMean: Fraction;
  readonly roundMean: Fraction;
  readonly offset: number;
}

export interface Fraction {
  readonly numerator: number;
  readonly denominator: number;
}

export interface RankedEntry {
  readonly entryId: string;
  readonly category: string;
  /** 1 for the best of its category. */
  readonly rank: number;
  /** The mean of the judges' (normalised) weighted totals, exact. */
  readonly score: Fraction;
  readonly advances: boolean;
  /** The grade earned (graded programmes, the final scored round), else null. */
  readonly grade: string | null;
}

export type AwardRoundRanked = DomainEvent<
  'AwardRoundRanked',
  EditionKey & {
    readonly roundCode: string;
    readonly rulebookId: string;
    readonly rulebookVersion: number;
    /** Whether this is the last scored round, the one whose ranking carries the grades and the places. */
    readonly final: boolean;
    readonly rankedOn: string;
    readonly inputs: readonly RankingInput[];
    readonly normalisation: readonly JudgeNormalisation[];
    readonly ranking: readonly RankedEntry[];
  }
>;

/** One line of the edition's result list: what the notice shows and what is issued after it. */
export interface EditionResult {
  readonly entryId: string;
  readonly category: string;
  readonly rank: number;
  readonly grade: string | null;
  readonly amountFen: Fen | null;
}

export type AwardNoticeStarted = DomainEvent<
  'AwardNoticeStarted',
  EditionKey & { readonly startsOn: string; readonly endsOn: string; readonly noticeDays: number; readonly results: readonly EditionResult[]; readonly totalFen: Fen }
>;
export type AwardResultsPublished = DomainEvent<
  'AwardResultsPublished',
  EditionKey & { readonly publishedOn: string; readonly results: readonly EditionResult[]; readonly totalFen: Fen }
>;

export type AwardEditionEvent = AwardEditionOpened | AwardRoundOpened | AwardRoundClosed | AwardRoundRanked | AwardNoticeStarted | AwardResultsPublished;

// ---- entry: awardEntry-<associationId>:<editionId>:<entryId> ------------------------------------------------

interface EntryKey extends EditionKey {
  readonly entryId: string;
}

export interface ProjectFacts {
  readonly completedOn: string;
  readonly acceptedOn: string;
}

export type AwardEntrySubmitted = DomainEvent<
  'AwardEntrySubmitted',
  EntryKey & {
    readonly category: string;
    readonly channel: string;
    readonly subjectKind: EntrySubjectKind;
    /** A credit code, a project id or a person id of the persons register. */
    readonly subjectId: string;
    /** The firm that applies (or for whom the entry is recommended; a person's employer). */
    readonly applicantCode: string;
    /** The builder (施工单位) of a project entry; null otherwise. */
    readonly builderCode: string | null;
    readonly specialty: string;
    readonly project: ProjectFacts | null;
    readonly submittedOn: string;
  }
>;

export const ELIGIBILITY_CONDITIONS = ['MEMBERSHIP_IN_GOOD_STANDING', 'CREDIT_GRADE', 'ACCEPTED_LONG_ENOUGH_AGO', 'NO_MAJOR_ACCIDENT', 'NO_BARRED_REENTRY'] as const;
export type EligibilityConditionCode = (typeof ELIGIBILITY_CONDITIONS)[number];

/** One condition as checked: whether it was met, and the evidence it used (what the other contexts said, as of when). */
export interface EligibilityCondition {
  readonly condition: EligibilityConditionCode;
  readonly met: boolean;
  readonly evidence: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
  readonly explanation: string;
}

export type AwardEligibilityChecked = DomainEvent<
  'AwardEligibilityChecked',
  EntryKey & { readonly checkedOn: string; readonly rulebookVersion: number; readonly conditions: readonly EligibilityCondition[]; readonly eligible: boolean }
>;
export type AwardPanelDrawn = DomainEvent<'AwardPanelDrawn', EntryKey & { readonly roundCode: string; readonly draw: PanelDrawRecord }>;
export type AwardEntryScored = DomainEvent<
  'AwardEntryScored',
  EntryKey & {
    readonly roundCode: string;
    readonly expertId: string;
    readonly items: readonly ItemScore[];
    readonly weightedTotal: number;
    /** The total this score replaces (a judge may revise until the round closes), else null. */
    readonly previousTotal: number | null;
  }
>;
/** A recusal (回避): the expert leaves the panel and their score of the entry, if any, no longer counts. */
export type AwardExpertRecused = DomainEvent<
  'AwardExpertRecused',
  EntryKey & { readonly roundCode: string; readonly expertId: string; readonly reason: string; readonly droppedScore: boolean }
>;
/** The replacement, drawn from the same seed stream where the previous draw stopped. */
export type AwardReplacementDrawn = DomainEvent<'AwardReplacementDrawn', EntryKey & { readonly roundCode: string; readonly replaces: string; readonly draw: PanelDrawRecord }>;
export type AwardSiteInspected = DomainEvent<
  'AwardSiteInspected',
  EntryKey & {
    readonly roundCode: string;
    readonly inspectorExpertId: string;
    readonly inspectorEmployerCode: string | null;
    readonly reportReference: string;
    readonly findings: string;
    readonly passed: boolean;
    readonly inspectedOn: string;
  }
>;
export type AwardVoteRecorded = DomainEvent<
  'AwardVoteRecorded',
  EntryKey & {
    readonly roundCode: string;
    readonly ballot: BallotMode;
    /** The committee's decision with its counts (entitled, present, for, against, abstaining). */
    readonly decision: DecisionRecord;
    /** Whether the quorum was met and the pass threshold reached. */
    readonly passed: boolean;
  }
>;
/** The objector is personal: the decider names them in plain and the command path seals the name before append. */
export type AwardObjectionFiled = DomainEvent<
  'AwardObjectionFiled',
  EntryKey & { readonly objectionId: string; readonly objector: Personal<string>; readonly grounds: string; readonly evidenceReference: string | null; readonly filedOn: string }
>;
export type AwardObjectionResolved = DomainEvent<
  'AwardObjectionResolved',
  EntryKey & { readonly objectionId: string; readonly outcome: 'UPHELD' | 'DISMISSED'; readonly reasons: string; readonly resolvedOn: string }
>;
export type AwardGranted = DomainEvent<
  'AwardGranted',
  EntryKey & {
    readonly certificateNumber: string;
    readonly category: string;
    readonly grade: string | null;
    readonly amountFen: Fen | null;
    readonly rank: number;
    readonly awardedOn: string;
    readonly rulebookId: string;
    readonly rulebookVersion: number;
  }
>;
export type AwardNotGranted = DomainEvent<'AwardNotGranted', EntryKey & { readonly reason: string; readonly decidedOn: string }>;

export const REVOCATION_GROUNDS = ['FRAUD', 'CONFIRMED_DEFECTS'] as const;
export type RevocationGround = (typeof REVOCATION_GROUNDS)[number];

export type AwardRevocationRequested = DomainEvent<
  'AwardRevocationRequested',
  EntryKey & { readonly grounds: RevocationGround; readonly reason: string; readonly decision: DecisionRecord; readonly requestedBy: string; readonly requestedOn: string }
>;
/** Approved by a second person and published on `publishedOn`. */
export type AwardRevoked = DomainEvent<
  'AwardRevoked',
  EntryKey & {
    readonly certificateNumber: string;
    readonly grounds: RevocationGround;
    readonly reason: string;
    readonly decision: DecisionRecord;
    readonly requestedBy: string;
    readonly approvedBy: string;
    readonly revokedOn: string;
    readonly publishedOn: string;
  }
>;

export type AwardEntryEvent =
  | AwardEntrySubmitted
  | AwardEligibilityChecked
  | AwardPanelDrawn
  | AwardEntryScored
  | AwardExpertRecused
  | AwardReplacementDrawn
  | AwardSiteInspected
  | AwardVoteRecorded
  | AwardObjectionFiled
  | AwardObjectionResolved
  | AwardGranted
  | AwardNotGranted
  | AwardRevocationRequested
  | AwardRevoked;

// ---- reservations (ADR 0012) --------------------------------------------------------------------------------

/** awardSubject-<associationId>:<editionId>:<subjectId>: a subject enters an edition once, through one channel. */
export type AwardSubjectEntered = DomainEvent<
  'AwardSubjectEntered',
  EditionKey & { readonly subjectId: string; readonly entryId: string; readonly channel: string }
>;
/** awardChannel-<associationId>:<editionId>:<channel>: one slot of the channel's quota per entry. */
export type AwardChannelSlotTaken = DomainEvent<
  'AwardChannelSlotTaken',
  EditionKey & { readonly channel: string; readonly entryId: string; readonly slot: number; readonly quota: number }
>;
/** awardCertificate-<associationId>:<certificateNumber>: one number, one award. */
export type AwardCertificateReserved = DomainEvent<
  'AwardCertificateReserved',
  { readonly associationId: string; readonly certificateNumber: string; readonly editionId: string; readonly entryId: string }
>;

export type AwardsEvent = AwardRulebookEvent | AwardEditionEvent | AwardEntryEvent | AwardSubjectEntered | AwardChannelSlotTaken | AwardCertificateReserved;

export const AWARD_RULEBOOK_EVENT_TYPES: readonly AwardRulebookEvent['type'][] = ['AwardRulebookVersionDefined', 'AwardRulebookVersionPinned'];
export const AWARD_EDITION_EVENT_TYPES: readonly AwardEditionEvent['type'][] = [
  'AwardEditionOpened',
  'AwardRoundOpened',
  'AwardRoundClosed',
  'AwardRoundRanked',
  'AwardNoticeStarted',
  'AwardResultsPublished',
];
export const AWARD_ENTRY_EVENT_TYPES: readonly AwardEntryEvent['type'][] = [
  'AwardEntrySubmitted',
  'AwardEligibilityChecked',
  'AwardPanelDrawn',
  'AwardEntryScored',
  'AwardExpertRecused',
  'AwardReplacementDrawn',
  'AwardSiteInspected',
  'AwardVoteRecorded',
  'AwardObjectionFiled',
  'AwardObjectionResolved',
  'AwardGranted',
  'AwardNotGranted',
  'AwardRevocationRequested',
  'AwardRevoked',
];
export const AWARD_SUBJECT_EVENT_TYPES: readonly AwardSubjectEntered['type'][] = ['AwardSubjectEntered'];
export const AWARD_CHANNEL_EVENT_TYPES: readonly AwardChannelSlotTaken['type'][] = ['AwardChannelSlotTaken'];
export const AWARD_CERTIFICATE_EVENT_TYPES: readonly AwardCertificateReserved['type'][] = ['AwardCertificateReserved'];

export const AwardRulebookStream = defineStreamKind<[associationId: string, rulebookId: string]>('awardRulebook', ['associationId', 'rulebookId']);
export const AwardEditionStream = defineStreamKind<[associationId: string, editionId: string]>('awardEdition', ['associationId', 'editionId']);
export const AwardEntryStream = defineStreamKind<[associationId: string, editionId: string, entryId: string]>('awardEntry', ['associationId', 'editionId', 'entryId']);
export const AwardSubjectStream = defineStreamKind<[associationId: string, editionId: string, subjectId: string]>('awardSubject', [
  'associationId',
  'editionId',
  'subjectId',
]);
export const AwardChannelStream = defineStreamKind<[associationId: string, editionId: string, channel: string]>('awardChannel', ['associationId', 'editionId', 'channel']);
export const AwardCertificateStream = defineStreamKind<[associationId: string, certificateNumber: string]>('awardCertificate', ['associationId', 'certificateNumber']);

export const awardRulebookStreamId = (associationId: string, rulebookId: string) => AwardRulebookStream.id(associationId, rulebookId);
export const awardEditionStreamId = (associationId: string, editionId: string) => AwardEditionStream.id(associationId, editionId);
export const awardEntryStreamId = (associationId: string, editionId: string, entryId: string) => AwardEntryStream.id(associationId, editionId, entryId);
export const awardSubjectStreamId = (associationId: string, editionId: string, subjectId: string) => AwardSubjectStream.id(associationId, editionId, subjectId);
export const awardChannelStreamId = (associationId: string, editionId: string, channel: string) => AwardChannelStream.id(associationId, editionId, channel);
export const awardCertificateStreamId = (associationId: string, certificateNumber: string) => AwardCertificateStream.id(associationId, certificateNumber);

import type { PersonState } from '../persons/persons.state.js';
import type { DecisionRecord } from '../shared/index.js';
import type { ItemScore, ProjectFacts, RevocationGround } from './awards.events.js';
import type { AwardRulebook, BallotMode, EntrySubjectKind } from './awards.rulebook.js';
import type { AwardEditionState, AwardEntryState } from './awards.state.js';
import type { DeclaredConflict, PoolExpert } from './panel-draw.js';

interface EditionKey {
  readonly associationId: string;
  readonly editionId: string;
}
interface EntryKey extends EditionKey {
  readonly entryId: string;
}

// ---- rulebook ------------------------------------------------------------------------------------------------

/** Defines the next version of a rulebook (its number is the next in the stream; a version once defined never changes). */
export interface DefineAwardRulebookVersion {
  readonly type: 'DefineAwardRulebookVersion';
  readonly associationId: string;
  readonly rulebook: Omit<AwardRulebook, 'version'>;
}
export interface PinAwardRulebookVersion {
  readonly type: 'PinAwardRulebookVersion';
  readonly associationId: string;
  readonly rulebookId: string;
  readonly version: number;
  readonly editionId: string;
}
export type AwardRulebookCommand = DefineAwardRulebookVersion | PinAwardRulebookVersion;

// ---- edition -------------------------------------------------------------------------------------------------

/** Opens an edition on a defined rulebook version, copied whole into the edition and pinned on the rulebook's stream. */
export interface OpenAwardEdition extends EditionKey {
  readonly type: 'OpenAwardEdition';
  readonly programmeCode: string;
  readonly title: string;
  readonly year: number;
  readonly rulebookId: string;
  readonly rulebookVersion: number;
}
export interface OpenAwardRound extends EditionKey {
  readonly type: 'OpenAwardRound';
  readonly roundCode: string;
}
export interface CloseAwardRound extends EditionKey {
  readonly type: 'CloseAwardRound';
  readonly roundCode: string;
}
/** Ranks a closed scored round from the entries' locked scores (the facts name the entries). */
export interface RankAwardRound extends EditionKey {
  readonly type: 'RankAwardRound';
  readonly roundCode: string;
}
/** Starts the public notice of the result list (a start in the past is refused: a notice cannot be back-dated). */
export interface StartAwardNotice extends EditionKey {
  readonly type: 'StartAwardNotice';
  readonly startsOn?: string | null;
}
export interface PublishAwardResults extends EditionKey {
  readonly type: 'PublishAwardResults';
}
export type AwardEditionCommand = OpenAwardEdition | OpenAwardRound | CloseAwardRound | RankAwardRound | StartAwardNotice | PublishAwardResults;

/** What the edition decider needs besides its stream: the entries of the edition, folded (for ranking and notice). */
export interface AwardEditionFacts {
  readonly entries?: readonly AwardEntryState[];
  /** For OpenAwardEdition: the rulebook version named, as defined on its stream (null when it is not). */
  readonly rulebook?: AwardRulebook | null;
}

// ---- entry ---------------------------------------------------------------------------------------------------

/** Submitted by, or recommended for, a firm, a project or a person, through exactly one channel. */
export interface SubmitAwardEntry extends EntryKey {
  readonly type: 'SubmitAwardEntry';
  readonly category: string;
  readonly channel: string;
  readonly subjectKind: EntrySubjectKind;
  readonly subjectId: string;
  readonly applicantCode: string;
  readonly builderCode?: string | null;
  readonly specialty: string;
  readonly project?: ProjectFacts | null;
}
export interface CheckAwardEligibility extends EntryKey {
  readonly type: 'CheckAwardEligibility';
}
/** Draws the entry's panel for a scored round; `seed` is 32 random bytes (64 hex digits) the caller chose and records. */
export interface DrawAwardPanel extends EntryKey {
  readonly type: 'DrawAwardPanel';
  readonly roundCode: string;
  readonly seed: string;
}
export interface ScoreAwardEntry extends EntryKey {
  readonly type: 'ScoreAwardEntry';
  readonly roundCode: string;
  readonly expertId: string;
  readonly items: readonly ItemScore[];
}
/** An expert recuses themselves (or is recused); a replacement is drawn from the recorded seed stream and pool. */
export interface RecuseAwardExpert extends EntryKey {
  readonly type: 'RecuseAwardExpert';
  readonly roundCode: string;
  readonly expertId: string;
  readonly reason: string;
}
export interface ReportSiteInspection extends EntryKey {
  readonly type: 'ReportSiteInspection';
  readonly roundCode: string;
  readonly inspectorExpertId: string;
  readonly reportReference: string;
  readonly findings: string;
  readonly passed: boolean;
  readonly inspectedOn?: string | null;
}
export interface RecordAwardVote extends EntryKey {
  readonly type: 'RecordAwardVote';
  readonly ballot: BallotMode;
  readonly decision: DecisionRecord;
}
export interface FileAwardObjection extends EntryKey {
  readonly type: 'FileAwardObjection';
  readonly objectionId: string;
  readonly objector: string;
  readonly grounds: string;
  readonly evidenceReference?: string | null;
}
export interface ResolveAwardObjection extends EntryKey {
  readonly type: 'ResolveAwardObjection';
  readonly objectionId: string;
  readonly outcome: 'UPHELD' | 'DISMISSED';
  readonly reasons: string;
}
/** Grants the award the noticed result list gives the entry, under a certificate number reserved in the same append. */
export interface GrantAward extends EntryKey {
  readonly type: 'GrantAward';
  readonly certificateNumber: string;
}
/** Records that an entry is not awarded (not in the result list, ineligible, an upheld objection). */
export interface DeclineAward extends EntryKey {
  readonly type: 'DeclineAward';
  readonly reason: string;
}
export interface RequestAwardRevocation extends EntryKey {
  readonly type: 'RequestAwardRevocation';
  readonly grounds: RevocationGround;
  readonly reason: string;
  /** The review committee's decision (required: a revocation without one is refused). */
  readonly decision: DecisionRecord | null;
}
export interface ApproveAwardRevocation extends EntryKey {
  readonly type: 'ApproveAwardRevocation';
  /** The day the revocation is published, today or later (never back-dated). */
  readonly publishedOn?: string | null;
}
export type AwardEntryCommand =
  | SubmitAwardEntry
  | CheckAwardEligibility
  | DrawAwardPanel
  | ScoreAwardEntry
  | RecuseAwardExpert
  | ReportSiteInspection
  | RecordAwardVote
  | FileAwardObjection
  | ResolveAwardObjection
  | GrantAward
  | DeclineAward
  | RequestAwardRevocation
  | ApproveAwardRevocation;

/** The applicant's membership as the membership context says it stood on the day of the check. */
export interface MembershipStandingFact {
  readonly standing: 'GOOD' | 'SUSPENDED' | 'SANCTIONED' | 'NOT_A_MEMBER';
  readonly asOf: string;
  /** Where it came from (a membership stream id, a certificate number), cited in the evidence. */
  readonly source: string | null;
}

/** The subject's credit grade as the credit context says it stood on the day of the check. */
export interface CreditGradeFact {
  readonly grade: string | null;
  readonly asOf: string;
  readonly certificateNumber: string | null;
}

export interface MajorAccidentFact {
  readonly recordId: string;
  readonly occurredOn: string;
}

export interface EarlierEntryFact {
  readonly editionId: string;
  readonly entryId: string;
  readonly outcome: 'AWARDED' | 'NOT_AWARDED' | 'REVOKED';
}

/** The facts from other contexts an eligibility check uses, each as of the check date (the application supplies them). */
export interface EligibilityFacts {
  readonly membership: MembershipStandingFact;
  readonly creditGrade: CreditGradeFact;
  readonly majorAccidents: readonly MajorAccidentFact[];
  readonly earlierEntries: readonly EarlierEntryFact[];
}

/** What the entry decider needs besides its stream. */
export interface AwardEntryFacts {
  /** The edition's stream, folded. */
  readonly edition?: AwardEditionState | null;
  /** For a PERSON entry: the subject's standing in the persons register. */
  readonly person?: PersonState['status'];
  /** For CheckAwardEligibility. */
  readonly eligibility?: EligibilityFacts;
  /** For DrawAwardPanel: the expert pool as it stands, mapped to the draw's shape. */
  readonly pool?: readonly PoolExpert[];
  /** For ScoreAwardEntry: the scoring expert's conflicts as declared now (one declared after the draw still bars). */
  readonly expertConflicts?: readonly DeclaredConflict[];
  /** For ReportSiteInspection: the inspector's employer now. */
  readonly inspectorEmployerCode?: string | null;
}

// ---- reservations ---------------------------------------------------------------------------------------------

export interface EnterAwardSubject extends EditionKey {
  readonly type: 'EnterAwardSubject';
  readonly subjectId: string;
  readonly entryId: string;
  readonly channel: string;
}
export interface TakeAwardChannelSlot extends EditionKey {
  readonly type: 'TakeAwardChannelSlot';
  readonly channel: string;
  readonly entryId: string;
  readonly quota: number;
}
export interface ReserveAwardCertificate {
  readonly type: 'ReserveAwardCertificate';
  readonly associationId: string;
  readonly certificateNumber: string;
  readonly editionId: string;
  readonly entryId: string;
}

// ---- bulk submission -----------------------------------------------------------------------------------------

/** One entry of a list submitted at once: what SubmitAwardEntry takes, less the edition the list names. */
export type ListedAwardEntry = Omit<SubmitAwardEntry, 'type' | 'associationId' | 'editionId'>;

/** A recommending channel's list (or several channels' lists) submitted at once: one SubmitAwardEntry per entry. */
export interface SubmitAwardEntries extends EditionKey {
  readonly entries: readonly ListedAwardEntry[];
}

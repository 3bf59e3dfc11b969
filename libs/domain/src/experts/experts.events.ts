import { defineStreamKind, type DomainEvent } from '../shared/index.js';

/*
 * The expert pool (专家库) of an association (ADR 0021). An expert is a person of the persons register, named here
 * only by their register id: no name and no identity-card number is part of an expert's events or stream id. The
 * history events (assignments, recusals, scores) are recorded on the expert's stream by the contexts that draw and
 * score (awards, later credit), each naming the event of theirs it follows from.
 */

/** An expert's id: `EXP` + 16 characters of Crockford base32, derived from the association and the person's register id. */
export const EXPERT_ID = /^EXP[0-9A-HJKMNP-TV-Z]{16}$/;
export function isExpertId(value: unknown): value is string {
  return typeof value === 'string' && EXPERT_ID.test(value);
}

/** The specialties an expert may be drawn for: a closed list, in the order a pool is listed by. */
export const EXPERT_SPECIALTIES = [
  'BUILDING_CONSTRUCTION', // 房屋建筑工程
  'INSTALLATION', // 机电安装工程
  'DECORATION', // 建筑装饰装修工程
  'MUNICIPAL', // 市政公用工程
  'STEEL_STRUCTURE', // 钢结构工程
  'BIM', // 建筑信息模型
  'QUALITY', // 工程质量
  'SAFETY', // 安全生产
  'COST', // 工程造价
] as const;
export type ExpertSpecialty = (typeof EXPERT_SPECIALTIES)[number];

export const EXPERT_STATUSES = ['ACTIVE', 'SUSPENDED', 'RETIRED'] as const;
export type ExpertStatus = (typeof EXPERT_STATUSES)[number];

/**
 * What an expert's work was for: an awards entry (`<editionId>/<entryId>`), a credit cycle they score in (`<cycleId>`),
 * or one credit application of that cycle they scored (`<cycleId>/<subjectId>`).
 */
export const EXPERT_WORK_KINDS = ['AWARD_ENTRY', 'CREDIT_APPLICATION', 'CREDIT_CYCLE'] as const;
export type ExpertWorkKind = (typeof EXPERT_WORK_KINDS)[number];
export interface ExpertWorkReference {
  readonly kind: ExpertWorkKind;
  readonly id: string;
}

/** The professional profile an expert is drawn by. */
export interface ExpertProfile {
  readonly specialties: readonly ExpertSpecialty[];
  /** The employer's unified social credit code: an enterprise of the register. */
  readonly employerCode: string;
  /** The professional title (职称), e.g. 高级工程师. */
  readonly title: string;
  /** The user id the expert signs in with, when they have an account: how an EXPERT token finds its own record. */
  readonly userId: string | null;
}

// ---- expert: expert-<associationId>:<expertId> ---------------------------------------------------------------

export type ExpertEnrolled = DomainEvent<
  'ExpertEnrolled',
  ExpertProfile & { readonly associationId: string; readonly expertId: string; readonly personId: string; readonly enrolledOn: string; readonly enrolledBy: string }
>;
/** Only the fields that changed are present. */
export type ExpertProfileChanged = DomainEvent<
  'ExpertProfileChanged',
  { readonly associationId: string; readonly expertId: string; readonly changes: Partial<ExpertProfile>; readonly changedOn: string; readonly changedBy: string }
>;
type StatusChange = { readonly associationId: string; readonly expertId: string; readonly reason: string; readonly effectiveOn: string; readonly decidedBy: string };
export type ExpertSuspended = DomainEvent<'ExpertSuspended', StatusChange>;
export type ExpertReinstated = DomainEvent<'ExpertReinstated', StatusChange>;
export type ExpertRetired = DomainEvent<'ExpertRetired', StatusChange>;

/** A firm the expert may not review, from `from` to `to` inclusive (calendar dates). */
export type ExpertConflictDeclared = DomainEvent<
  'ExpertConflictDeclared',
  {
    readonly associationId: string;
    readonly expertId: string;
    readonly conflictId: string;
    readonly enterpriseCode: string;
    readonly reason: string;
    readonly from: string;
    readonly to: string;
    readonly declaredBy: string;
  }
>;
export type ExpertConflictWithdrawn = DomainEvent<
  'ExpertConflictWithdrawn',
  { readonly associationId: string; readonly expertId: string; readonly conflictId: string; readonly reason: string; readonly withdrawnOn: string; readonly withdrawnBy: string }
>;

/** What every history event names: the work, the round and the recording context's event it follows from. */
interface HistoryEntry {
  readonly associationId: string;
  readonly expertId: string;
  readonly reference: ExpertWorkReference;
  readonly round: number;
  readonly sourceEventId: string;
  readonly recordedOn: string;
  readonly recordedBy: string;
}
export type ExpertAssigned = DomainEvent<'ExpertAssigned', HistoryEntry>;
export type ExpertRecused = DomainEvent<'ExpertRecused', HistoryEntry & { readonly reason: string }>;
/** A score as an exact decimal string (at most two places): never a float. */
export type ExpertScoreRecorded = DomainEvent<'ExpertScoreRecorded', HistoryEntry & { readonly criterion: string | null; readonly points: string }>;

export type ExpertEvent =
  | ExpertEnrolled
  | ExpertProfileChanged
  | ExpertSuspended
  | ExpertReinstated
  | ExpertRetired
  | ExpertConflictDeclared
  | ExpertConflictWithdrawn
  | ExpertAssigned
  | ExpertRecused
  | ExpertScoreRecorded;

export const EXPERT_EVENT_TYPES: readonly ExpertEvent['type'][] = [
  'ExpertEnrolled',
  'ExpertProfileChanged',
  'ExpertSuspended',
  'ExpertReinstated',
  'ExpertRetired',
  'ExpertConflictDeclared',
  'ExpertConflictWithdrawn',
  'ExpertAssigned',
  'ExpertRecused',
  'ExpertScoreRecorded',
];

/** `expert-<associationId>:<expertId>`: one expert of one association's pool. */
export const ExpertStream = defineStreamKind<[associationId: string, expertId: string]>('expert', ['associationId', 'expertId']);

export function expertStreamId(associationId: string, expertId: string): string {
  return ExpertStream.id(associationId, expertId);
}

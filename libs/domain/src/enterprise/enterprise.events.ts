import { defineStreamKind, type DomainEvent } from '../shared/index.js';

export const OWNERSHIPS = ['STATE_OWNED', 'PRIVATE', 'MIXED', 'FOREIGN'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

/** Size class (企业规模): small and micro firms qualify for dues relief. */
export const SIZE_CLASSES = ['LARGE', 'MEDIUM', 'SMALL', 'MICRO'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

/** Qualification categories (资质类别): 施工总承包, 专业承包, 施工劳务. */
export const QUALIFICATION_CATEGORIES = ['GENERAL_CONTRACTING', 'SPECIALIST_CONTRACTING', 'LABOUR_SUBCONTRACTING'] as const;
export type QualificationCategory = (typeof QUALIFICATION_CATEGORIES)[number];

/** Qualification grades (资质等级): 特级, 一级, 二级, 三级; labour subcontracting is not graded. */
export const QUALIFICATION_GRADES = ['SPECIAL', 'GRADE_1', 'GRADE_2', 'GRADE_3', 'UNGRADED'] as const;
export type QualificationGrade = (typeof QUALIFICATION_GRADES)[number];

/*
 * Enterprises are national, so every enterprise event says which association's admin changed the firm's facts
 * (`actingAssociationId`). Events recorded before it was kept have no such field and read as they are.
 */

/** A credit code that fails the GB 32100 check but was registered on an admin's explicit word. */
export interface CheckDigitOverride {
  readonly reason: string;
  readonly expectedCheckCharacter: string;
}

export type EnterpriseRegistered = DomainEvent<
  'EnterpriseRegistered',
  {
    readonly code: string;
    readonly name: string;
    readonly legalRepresentative: string;
    readonly regionCode: string;
    readonly ownership: Ownership;
    readonly sizeClass: SizeClass | null;
    readonly checkDigitOverride: CheckDigitOverride | null;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type EnterpriseRenamed = DomainEvent<
  'EnterpriseRenamed',
  {
    readonly code: string;
    readonly previousName: string;
    readonly name: string;
    readonly effectiveFrom: string;
    readonly reason: string | null;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type EnterpriseProfileUpdated = DomainEvent<
  'EnterpriseProfileUpdated',
  {
    readonly code: string;
    /** Only the fields that changed. */
    readonly changes: {
      readonly legalRepresentative?: string;
      readonly regionCode?: string;
      readonly ownership?: Ownership;
    };
    readonly reason: string | null;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type QualificationRecorded = DomainEvent<
  'QualificationRecorded',
  {
    readonly code: string;
    /** Stable key of the qualification within the enterprise: one grade per category and specialty. */
    readonly qualificationKey: string;
    readonly category: QualificationCategory;
    readonly specialty: string;
    readonly grade: QualificationGrade;
    /** The grade it replaces when an already-held qualification is re-graded; null when new. */
    readonly previousGrade: QualificationGrade | null;
    readonly certificateNumber: string | null;
    readonly effectiveFrom: string;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type QualificationWithdrawn = DomainEvent<
  'QualificationWithdrawn',
  {
    readonly code: string;
    readonly qualificationKey: string;
    readonly category: QualificationCategory;
    readonly specialty: string;
    readonly grade: QualificationGrade;
    readonly reason: string;
    readonly effectiveFrom: string;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type EnterpriseSizeClassSet = DomainEvent<
  'EnterpriseSizeClassSet',
  {
    readonly code: string;
    readonly sizeClass: SizeClass;
    readonly previousSizeClass: SizeClass | null;
    readonly effectiveFrom: string;
    /** The association on the acting admin's token (null: none); absent on events recorded before it was kept. */
    readonly actingAssociationId?: string | null;
  }
>;

export type EnterpriseEvent =
  | EnterpriseRegistered
  | EnterpriseRenamed
  | EnterpriseProfileUpdated
  | QualificationRecorded
  | QualificationWithdrawn
  | EnterpriseSizeClassSet;

export const ENTERPRISE_EVENT_TYPES: readonly EnterpriseEvent['type'][] = [
  'EnterpriseRegistered',
  'EnterpriseRenamed',
  'EnterpriseProfileUpdated',
  'QualificationRecorded',
  'QualificationWithdrawn',
  'EnterpriseSizeClassSet',
];

/** `enterprise-<unified social credit code>`: one firm's facts, national (no association in the id). */
export const EnterpriseStream = defineStreamKind<[code: string]>('enterprise', ['code']);

export function enterpriseStreamId(code: string): string {
  return EnterpriseStream.id(code);
}

export function qualificationKey(category: QualificationCategory, specialty: string): string {
  return `${category}:${specialty}`;
}

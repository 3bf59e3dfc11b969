import type { Ownership, QualificationCategory, QualificationGrade, SizeClass } from './enterprise.events.js';

export interface RegisterEnterprise {
  readonly type: 'RegisterEnterprise';
  readonly code: string;
  readonly name: string;
  readonly legalRepresentative: string;
  readonly regionCode: string;
  readonly ownership: Ownership;
  readonly sizeClass?: SizeClass | null;
  /**
   * Registers a code that fails the check-character test. Genuine codes that fail exist; the reason
   * (e.g. the licence it was read from) is kept in the event for auditors.
   */
  readonly checkDigitOverrideReason?: string | null;
}

export interface UpdateEnterpriseProfile {
  readonly type: 'UpdateEnterpriseProfile';
  readonly code: string;
  readonly name?: string | null;
  readonly legalRepresentative?: string | null;
  readonly regionCode?: string | null;
  readonly ownership?: Ownership | null;
  /** Business date of the change (YYYY-MM-DD); defaults to today. */
  readonly effectiveFrom?: string | null;
  readonly reason?: string | null;
}

export interface RecordQualification {
  readonly type: 'RecordQualification';
  readonly code: string;
  readonly category: QualificationCategory;
  readonly specialty: string;
  readonly grade: QualificationGrade;
  readonly certificateNumber?: string | null;
  readonly effectiveFrom?: string | null;
}

export interface WithdrawQualification {
  readonly type: 'WithdrawQualification';
  readonly code: string;
  readonly category: QualificationCategory;
  readonly specialty: string;
  readonly reason: string;
  readonly effectiveFrom?: string | null;
}

export interface SetEnterpriseSizeClass {
  readonly type: 'SetEnterpriseSizeClass';
  readonly code: string;
  readonly sizeClass: SizeClass;
  readonly effectiveFrom?: string | null;
}

export type EnterpriseCommand =
  | RegisterEnterprise
  | UpdateEnterpriseProfile
  | RecordQualification
  | WithdrawQualification
  | SetEnterpriseSizeClass;

/**
 * A firm's ties to associations, as the membership and credit registers hold them, loaded by the command layer:
 * the fact the enterprise decider judges before a firm's facts change (rule ENTERPRISE_NOT_RELATED).
 */
export interface EnterpriseTies {
  /** Each association's latest membership record of the firm, with its status (PENDING, ACTIVE, WITHDRAWN, …). */
  readonly memberships: readonly { readonly associationId: string; readonly status: string }[];
  /** The associations holding a credit application of the firm, in any of their cycles. */
  readonly creditApplicants: readonly string[];
}

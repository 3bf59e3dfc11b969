import { type Decider, type DecisionContext, defineStreamKind, type DomainEvent, RuleViolation } from '../shared/index.js';
import { CouncilRules } from './membership.errors.js';

/**
 * Reservation of a membership certificate number within an association
 * (`membershipCertificate-<associationId>:<number>`): the first reservation wins, appended at the
 * stream's "no stream" revision, so two admissions can never share a number. A number stays with the firm
 * it was issued to (history is kept; a readmitted firm may be issued its old number again).
 */
export type CertificateNumberReserved = DomainEvent<
  'CertificateNumberReserved',
  { readonly associationId: string; readonly certificateNumber: string; readonly enterpriseCode: string; readonly membershipId: string }
>;
export type CertificateEvent = CertificateNumberReserved;
export const CERTIFICATE_EVENT_TYPES: readonly CertificateEvent['type'][] = ['CertificateNumberReserved'];

export interface ReserveCertificateNumber {
  readonly type: 'ReserveCertificateNumber';
  readonly associationId: string;
  readonly certificateNumber: string;
  readonly enterpriseCode: string;
  readonly membershipId: string;
}

/** A membership certificate number, by status: unclaimed until an admission reserves it, then held by that firm. */
export type CertificateState = { readonly status: 'unclaimed' } | { readonly status: 'claimed'; readonly holder: string };

/** `membershipCertificate-<association>:<certificate number>`: the claim on one membership certificate number. */
export const CertificateStream = defineStreamKind<[associationId: string, certificateNumber: string]>('membershipCertificate', [
  'associationId',
  'certificateNumber',
]);

export function certificateStreamId(associationId: string, certificateNumber: string): string {
  return CertificateStream.id(associationId, certificateNumber);
}

export const certificateDecider: Decider<ReserveCertificateNumber, CertificateEvent, CertificateState> = {
  initialState: { status: 'unclaimed' },
  eventTypes: CERTIFICATE_EVENT_TYPES,
  evolve: (_state, event) => ({ status: 'claimed', holder: event.data.enterpriseCode }),
  decide(command: ReserveCertificateNumber, state: CertificateState, _context: DecisionContext): CertificateEvent[] {
    if (state.status === 'claimed') {
      if (state.holder === command.enterpriseCode) return [];
      throw new RuleViolation(
        CouncilRules.certificateNumberTaken,
        `Certificate number ${command.certificateNumber} is already issued to enterprise ${state.holder} in this association.`,
        { certificateNumber: command.certificateNumber, holder: state.holder },
      );
    }
    const { associationId, certificateNumber, enterpriseCode, membershipId } = command;
    return [{ type: 'CertificateNumberReserved', data: { associationId, certificateNumber, enterpriseCode, membershipId } }];
  },
};

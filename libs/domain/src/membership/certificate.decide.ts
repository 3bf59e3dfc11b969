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

export type CertificateState = { readonly holder: string | null };

/** `membershipCertificate-<association>:<certificate number>`: the claim on one membership certificate number. */
export const CertificateStream = defineStreamKind<[associationId: string, certificateNumber: string]>('membershipCertificate', [
  'associationId',
  'certificateNumber',
]);

export function certificateStreamId(associationId: string, certificateNumber: string): string {
  return CertificateStream.id(associationId, certificateNumber);
}

export const certificateDecider: Decider<ReserveCertificateNumber, CertificateEvent, CertificateState> = {
  initialState: { holder: null },
  eventTypes: CERTIFICATE_EVENT_TYPES,
  evolve: (_state, event) => ({ holder: event.data.enterpriseCode }),
  decide(command: ReserveCertificateNumber, state: CertificateState, _context: DecisionContext): CertificateEvent[] {
    if (state.holder === command.enterpriseCode) return [];
    if (state.holder !== null) {
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

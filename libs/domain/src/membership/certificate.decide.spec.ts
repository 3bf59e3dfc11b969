import { describe, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import { type CertificateNumberReserved, certificateDecider } from './certificate.decide.js';

const ASSOC = 'yueyang-urca';
const FIRST = '91430600000000001X';
const SECOND = '914306000000000028';
const spec = deciderSpec(certificateDecider);
const reserve = { type: 'ReserveCertificateNumber' as const, associationId: ASSOC, certificateNumber: 'YY-001', enterpriseCode: FIRST, membershipId: `${ASSOC}:${FIRST}:1` };
const reserved: CertificateNumberReserved = {
  type: 'CertificateNumberReserved',
  data: { associationId: ASSOC, certificateNumber: 'YY-001', enterpriseCode: FIRST, membershipId: `${ASSOC}:${FIRST}:1` },
};

describe('certificate numbers', () => {
  it('are reserved by the first firm', () => {
    spec.given([]).when(reserve).then([reserved]);
  });

  it('are refused to any other firm', () => {
    spec.given([reserved]).when({ ...reserve, enterpriseCode: SECOND, membershipId: `${ASSOC}:${SECOND}:1` }).thenRefuses('MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN');
  });

  it('stay with the firm they were issued to: reserving again records nothing', () => {
    spec.given([reserved]).when({ ...reserve, membershipId: `${ASSOC}:${FIRST}:2` }).then([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { deciderSpec, multiStreamSpec } from '#testing';
import type { CreditApplicationFacts, IssueCreditRating, OpenCreditCycle, ReserveCreditCertificate } from './credit.commands.js';
import { creditCertificateDecider } from './credit-certificate.decide.js';
import { CreditRules } from './credit.errors.js';
import type { CreditApplicationEvent, CreditCertificateReserved, CreditRatingIssued, CreditRulebookEvent, CycleData } from './credit.events.js';
import type { RulebookVersion } from './credit.rulebook.js';
import { issueCreditRatingDecider, openCreditCycleDecider } from './credit-reservations.decide.js';

// Every "given" below is a literal event as its stream holds it.
const ASSOC = 'assoc-yueyang';
const CYCLE = 'c2026';
const SUBJECT = '91430600000000001X';
const OTHER = '91430600000000002X';
const k = { associationId: ASSOC, cycleId: CYCLE, subjectId: SUBJECT };
const at = (isoDay: string) => ({ now: new Date(`${isoDay}T02:00:00.000Z`) });

const rulebook: RulebookVersion = {
  associationId: ASSOC,
  rulebookId: 'yy-credit',
  version: 1,
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2020〕5号',
  effectiveFrom: '2020-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: [{ code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 100, body: 'ASSOCIATION', evidenceRequired: false }],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [],
  dynamicRules: [],
};
const defined: CreditRulebookEvent[] = [{ type: 'CreditRulebookVersionDefined', data: rulebook }];
const cycleData: CycleData = {
  associationId: ASSOC,
  cycleId: CYCLE,
  title: '2026年度信用评价',
  rulebook,
  assessmentFrom: '2024-01-01',
  assessmentTo: '2025-12-31',
  filingFrom: '2026-02-01',
  filingTo: '2026-03-31',
  eligibility: 'ALL',
};
const open: OpenCreditCycle = { type: 'OpenCreditCycle', ...cycleData, rulebookId: 'yy-credit', rulebookVersion: 1 };

describe('opening a cycle and pinning its rulebook version', () => {
  const spec = multiStreamSpec(openCreditCycleDecider);

  it('opens the cycle with the version copied whole, and pins the version, in one decision', () => {
    spec.given({ rulebook: defined }).when(open).then({
      cycle: [{ type: 'CreditCycleOpened', data: cycleData }],
      rulebook: [{ type: 'CreditRulebookVersionPinned', data: { associationId: ASSOC, rulebookId: 'yy-credit', version: 1, cycleId: CYCLE } }],
    });
  });

  it('refuses a cycle already opened, pinning nothing again', () => {
    const pinned: CreditRulebookEvent = { type: 'CreditRulebookVersionPinned', data: { associationId: ASSOC, rulebookId: 'yy-credit', version: 1, cycleId: CYCLE } };
    spec.given({ cycle: [{ type: 'CreditCycleOpened', data: cycleData }], rulebook: [...defined, pinned] }).when(open).thenRefuses(CreditRules.cycleAlreadyOpened);
  });

  it('pins nothing when the cycle is refused', () => {
    spec.given({ rulebook: defined }).when({ ...open, rulebookVersion: 2 }).thenRefuses(CreditRules.rulebookVersionUnknown);
    spec.given({ rulebook: defined }).when({ ...open, filingTo: '2026-01-01' }).thenRejectsFields('filingTo');
  });
});

describe('issuing a rating and reserving its certificate number', () => {
  const facts: CreditApplicationFacts = { cycle: { data: cycleData, closed: false, scorers: [{ scorerId: 's', body: 'ASSOCIATION', employerCode: null }] } };
  const filed: CreditApplicationEvent = {
    type: 'CreditApplicationFiled',
    data: { ...k, subjectKind: 'ENTERPRISE', rulebookId: 'yy-credit', rulebookVersion: 1, filedOn: '2026-03-02', member: false, selfAssessment: [] },
  };
  const scored: CreditApplicationEvent = {
    type: 'CreditIndicatorScored',
    data: { ...k, code: 'OVERALL', points: 95, maxPoints: 100, body: 'ASSOCIATION', scorerId: 's', evidenceReference: null, note: null, previousPoints: null },
  };
  const reviewed: CreditApplicationEvent = {
    type: 'CreditReviewCompleted',
    data: {
      ...k,
      completedOn: '2026-03-02',
      computation: {
        rulebookId: 'yy-credit',
        rulebookVersion: 1,
        scores: [{ code: 'OVERALL', maxPoints: 100, points: 95, body: 'ASSOCIATION', scorerId: 's', evidenceReference: null }],
        thresholds: rulebook.thresholds,
        vetoes: [],
        totalPoints: 95,
        thresholdGrade: 'AAA',
        grade: 'AAA',
      },
    },
  };
  const noticed: CreditApplicationEvent = { type: 'CreditNoticeStarted', data: { ...k, grade: 'AAA', startsOn: '2026-03-02', endsOn: '2026-03-08', noticeDays: 7 } };
  const inNotice = [filed, scored, reviewed, noticed];
  const issue: IssueCreditRating = { type: 'IssueCreditRating', ...k, certificateNumber: 'YY2026-0001', validFrom: '2026-03-10' };
  const reserved: CreditCertificateReserved = {
    type: 'CreditCertificateReserved',
    data: { associationId: ASSOC, certificateNumber: 'YY2026-0001', cycleId: CYCLE, subjectId: SUBJECT },
  };
  const issuedRating: CreditRatingIssued = {
    type: 'CreditRatingIssued',
    data: { ...k, grade: 'AAA', certificateNumber: 'YY2026-0001', validFrom: '2026-03-10', validTo: '2028-03-09', rulebookId: 'yy-credit', rulebookVersion: 1 },
  };
  const spec = multiStreamSpec(issueCreditRatingDecider(facts), at('2026-03-10'));

  it('issues the rating and reserves its number together', () => {
    spec.given({ application: inNotice }).when(issue).then({ application: [issuedRating], certificate: [reserved] });
  });

  it('writes nothing in either stream when the same rating is issued again', () => {
    spec.given({ application: [...inNotice, issuedRating], certificate: [reserved] }).when(issue, at('2026-03-11')).then({});
  });

  it('refuses a number another subject holds, issuing nothing', () => {
    spec.given({ application: inNotice, certificate: [{ ...reserved, data: { ...reserved.data, subjectId: OTHER } }] }).when(issue).thenRefuses(CreditRules.certificateTaken);
  });

  it('reserves nothing for a rating refused during its notice', () => {
    multiStreamSpec(issueCreditRatingDecider(facts), at('2026-03-05')).given({ application: inNotice }).when(issue).thenRefuses(CreditRules.noticeNotEnded);
  });

  it('refuses a malformed certificate number with its field error', () => {
    spec.given({ application: inNotice }).when({ ...issue, certificateNumber: '' }).thenRejectsFields('certificateNumber');
  });
});

describe('a certificate number stream', () => {
  const spec = deciderSpec(creditCertificateDecider);
  const reserve: ReserveCreditCertificate = { type: 'ReserveCreditCertificate', ...k, certificateNumber: 'YY2026-0001' };
  const reservedFor = (subjectId: string): CreditCertificateReserved => ({
    type: 'CreditCertificateReserved',
    data: { associationId: ASSOC, certificateNumber: 'YY2026-0001', cycleId: CYCLE, subjectId },
  });

  it('reserves an unclaimed number for the subject', () => {
    spec.given([]).when(reserve).then([reservedFor(SUBJECT)]);
  });

  it('writes nothing when its holder reserves it again', () => {
    spec.given([reservedFor(SUBJECT)]).when(reserve).then([]);
  });

  it('refuses a number claimed by another subject, naming the holder', () => {
    const error = spec.given([reservedFor(OTHER)]).when(reserve).thenRefuses(CreditRules.certificateTaken);
    expect(error.message).toBe(`Certificate number YY2026-0001 is already issued to ${OTHER}.`);
    expect(error.details).toEqual({ certificateNumber: 'YY2026-0001' });
  });
});

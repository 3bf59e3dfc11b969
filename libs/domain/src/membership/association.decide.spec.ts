import { describe, it } from '@jest/globals';
import { deciderSpec } from '#testing';
import type { RegisterAssociation } from './association.commands.js';
import { associationDecider } from './association.decide.js';
import type { AssociationEvent, AssociationRegistered, CouncilTermRecorded } from './association.events.js';

const ASSOC = 'yueyang-urca';
/** The business date of the fixed clock the specs run at. */
const TODAY = '2026-03-02';
const spec = deciderSpec(associationDecider);

const register: RegisterAssociation = {
  type: 'RegisterAssociation',
  associationId: ASSOC,
  name: '岳阳市城乡建设协会',
  regionCode: '430600',
  deemedWithdrawalYears: 2,
  admissionBodies: ['COUNCIL', 'SECRETARIAT'],
  waiverApprovers: ['sec-li'],
};
const registered: AssociationRegistered = {
  type: 'AssociationRegistered',
  data: {
    associationId: ASSOC,
    name: '岳阳市城乡建设协会',
    regionCode: '430600',
    charter: { deemedWithdrawalYears: 2, reminderGraceDays: 30, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
    waiverApprovers: ['sec-li'],
  },
};
const grant = { type: 'GrantWaiverApprover' as const, associationId: ASSOC, userId: 'pres-wang', effectiveFrom: '2026-01-01' };
const granted: AssociationEvent = { type: 'WaiverApproverGranted', data: { associationId: ASSOC, userId: 'pres-wang', reason: null, effectiveFrom: '2026-01-01' } };
const record = { type: 'RecordCouncilTerm' as const, associationId: ASSOC, termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' };
const term3: CouncilTermRecorded = { type: 'CouncilTermRecorded', data: { associationId: ASSOC, termNumber: 3, startsOn: '2020-11-20', endsOn: '2025-11-19' } };

describe('associations', () => {
  describe('registering', () => {
    it('registers an association with its charter, the grace period defaulting to 30 days', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('keeps its name and region trimmed, a grace period of its own, and each admission body once', () => {
      spec
        .given([])
        .when({ ...register, name: ' 岳阳市城乡建设协会 ', regionCode: ' 430600', reminderGraceDays: 60, admissionBodies: ['COUNCIL', 'COUNCIL'], waiverApprovers: null })
        .then([{ ...registered, data: { ...registered.data, charter: { deemedWithdrawalYears: 2, reminderGraceDays: 60, admissionBodies: ['COUNCIL'] }, waiverApprovers: [] } }]);
    });

    it('refuses a malformed id, a charter with 3 years, no admission body and an unknown body, field by field', () => {
      spec
        .given([])
        .when({ ...register, associationId: 'Yueyang CA', deemedWithdrawalYears: 3, admissionBodies: ['MAYOR'] })
        .thenRejectsFields('associationId', 'deemedWithdrawalYears', 'admissionBodies.0');
      spec.given([]).when({ ...register, admissionBodies: [] }).thenRejectsFields('admissionBodies');
    });

    it('refuses a region code of no province, a grace period out of range, and an approver named twice or malformed', () => {
      spec
        .given([])
        .when({ ...register, regionCode: '990600', reminderGraceDays: 0, waiverApprovers: ['sec-li', 'sec-li', 'no spaces'] })
        .thenRejectsFields('regionCode', 'reminderGraceDays', 'waiverApprovers.2', 'waiverApprovers');
    });

    it('refuses registering the same id twice', () => {
      spec.given([registered]).when(register).thenRefuses('ASSOCIATION_ALREADY_REGISTERED');
    });
  });

  describe('waiver approvers', () => {
    it('grants a user the authority to approve dues waivers', () => {
      spec.given([registered]).when(grant).then([granted]);
    });

    it('dates a grant without a date today, with its reason trimmed', () => {
      spec
        .given([registered])
        .when({ ...grant, effectiveFrom: null, reason: ' 新任会长 ' })
        .then([{ type: 'WaiverApproverGranted', data: { associationId: ASSOC, userId: 'pres-wang', reason: '新任会长', effectiveFrom: TODAY } }]);
    });

    it('refuses a grant twice', () => {
      spec.given([registered, granted]).when(grant).thenRefuses('ASSOCIATION_WAIVER_APPROVER_ALREADY_GRANTED');
    });

    it('revokes a granted approver, and refuses revoking someone never granted', () => {
      const revoke = { type: 'RevokeWaiverApprover' as const, associationId: ASSOC, userId: 'pres-wang', effectiveFrom: '2026-02-01' };
      spec
        .given([registered, granted])
        .when(revoke)
        .then([{ type: 'WaiverApproverRevoked', data: { associationId: ASSOC, userId: 'pres-wang', reason: null, effectiveFrom: '2026-02-01' } }]);
      spec.given([registered]).when(revoke).thenRefuses('ASSOCIATION_WAIVER_APPROVER_NOT_GRANTED');
    });

    it('refuses a malformed user id and date on their fields, before the association is read', () => {
      spec.given([registered]).when({ ...grant, userId: 'pres wang', effectiveFrom: '2026-1-1' }).thenRejectsFields('userId', 'effectiveFrom');
      spec.given([]).when({ ...grant, userId: '' }).thenRejectsFields('userId');
    });

    it('refuses a grant on an association not in the register', () => {
      spec.given([]).when(grant).thenNotFound();
    });
  });

  describe('council terms', () => {
    it('records a council term', () => {
      spec.given([registered]).when(record).then([term3]);
    });

    it('refuses a duplicate number and an overlap', () => {
      spec.given([registered, term3]).when(record).thenRefuses('ASSOCIATION_COUNCIL_TERM_EXISTS');
      spec.given([registered, term3]).when({ ...record, termNumber: 4, startsOn: '2025-06-01', endsOn: '2030-05-31' }).thenRefuses('ASSOCIATION_COUNCIL_TERM_OVERLAPS');
    });

    it('refuses a term number below 1, a bad start and an end before the start', () => {
      spec.given([registered]).when({ ...record, endsOn: '2020-01-01' }).thenRejectsFields('endsOn');
      spec.given([registered]).when({ ...record, termNumber: 0, startsOn: '2020-02-30' }).thenRejectsFields('termNumber', 'startsOn');
    });

    it('refuses a term of an association not in the register', () => {
      spec.given([]).when(record).thenNotFound();
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { deciderSpec, TEST_ADMIN } from '#testing';
import { withCheckCharacter } from '../shared/index.js';
import type { EnterpriseCommand, EnterpriseTies, RegisterEnterprise } from './enterprise.commands.js';
import { enterpriseDecider, enterpriseDeciderWith } from './enterprise.decide.js';
import type { EnterpriseRegistered, QualificationRecorded } from './enterprise.events.js';

/** The acting admin's association (TEST_ADMIN's) and another one. */
const OWN = 'assoc-wuhan';
const OTHER = 'assoc-yueyang';
/** The firm is an active member of the acting admin's association. */
const MEMBER_OF_OWN: EnterpriseTies = { memberships: [{ associationId: OWN, status: 'ACTIVE' }], creditApplicants: [] };
const spec = deciderSpec(enterpriseDeciderWith(MEMBER_OF_OWN));
const CODE = '91420100177678329F'; // valid check character
const BAD_CHECK = '91420100177678329J'; // same body, wrong check character

const register: RegisterEnterprise = {
  type: 'RegisterEnterprise',
  code: CODE,
  name: '武汉建工集团股份有限公司',
  legalRepresentative: '张三',
  regionCode: '420100',
  ownership: 'STATE_OWNED',
  sizeClass: 'LARGE',
};

const registered: EnterpriseRegistered = {
  type: 'EnterpriseRegistered',
  data: {
    code: CODE,
    name: '武汉建工集团股份有限公司',
    legalRepresentative: '张三',
    regionCode: '420100',
    ownership: 'STATE_OWNED',
    sizeClass: 'LARGE',
    checkDigitOverride: null,
    actingAssociationId: OWN,
  },
};

const buildingGrade1: QualificationRecorded = {
  type: 'QualificationRecorded',
  data: {
    code: CODE,
    qualificationKey: 'GENERAL_CONTRACTING:建筑工程',
    category: 'GENERAL_CONTRACTING',
    specialty: '建筑工程',
    grade: 'GRADE_1',
    previousGrade: null,
    certificateNumber: 'D142012345',
    effectiveFrom: '2025-06-01',
    actingAssociationId: OWN,
  },
};

describe('enterprise register', () => {
  describe('registering an enterprise', () => {
    it('records a new enterprise with a valid credit code', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('normalises a lower-case code with surrounding spaces', () => {
      const [event] = spec.given([]).when({ ...register, code: ` ${CODE.toLowerCase()} ` }).events();
      expect(event?.data).toMatchObject({ code: CODE });
    });

    it('refuses a code whose check character is wrong, naming the expected character', () => {
      const error = spec.given([]).when({ ...register, code: BAD_CHECK }).thenRejectsFields('code');
      expect(error.fieldErrors[0]?.message).toContain('"F"');
    });

    it('refuses a code of the wrong length or with letters outside the alphabet', () => {
      spec.given([]).when({ ...register, code: '9142010017767832' }).thenRejectsFields('code');
      spec.given([]).when({ ...register, code: '91420100177678329I' }).thenRejectsFields('code');
    });

    it('registers a failing code only with an override reason, and keeps the reason', () => {
      const [event] = spec
        .given([])
        .when({ ...register, code: BAD_CHECK, checkDigitOverrideReason: '营业执照原件核对无误，编码由发证机关赋予' })
        .events();
      expect(event?.data).toMatchObject({
        code: BAD_CHECK,
        checkDigitOverride: { reason: '营业执照原件核对无误，编码由发证机关赋予', expectedCheckCharacter: 'F' },
      });
    });

    it('refuses an override reason that is too short to be audited', () => {
      spec.given([]).when({ ...register, code: BAD_CHECK, checkDigitOverrideReason: 'ok' }).thenRejectsFields('checkDigitOverrideReason');
    });

    it('refuses an override on a code that passes its check', () => {
      spec
        .given([])
        .when({ ...register, checkDigitOverrideReason: 'a reason that is long enough' })
        .thenRefuses('ENTERPRISE_CODE_OVERRIDE_NOT_NEEDED');
    });

    it('refuses an empty name, a name over 200 characters and a name with control characters', () => {
      spec.given([]).when({ ...register, name: '   ' }).thenRejectsFields('name');
      spec.given([]).when({ ...register, name: '建'.repeat(201) }).thenRejectsFields('name');
      spec.given([]).when({ ...register, name: 'ACME\u0000Ltd' }).thenRejectsFields('name');
    });

    it('reports every bad field at once', () => {
      spec
        .given([])
        .when({ ...register, code: 'X', name: '', regionCode: '990100', ownership: 'PUBLIC' as never })
        .thenRejectsFields('code', 'name', 'regionCode', 'ownership');
    });

    it('refuses registering the same code twice', () => {
      spec.given([registered]).when(register).thenRefuses('ENTERPRISE_ALREADY_REGISTERED');
    });

    it('is open to any admin, the registration alone needing no tie to an association, and records who registered', () => {
      const [event] = deciderSpec(enterpriseDecider).given([]).when(register, { actor: { ...TEST_ADMIN, associationId: OTHER } }).events();
      expect(event?.data).toMatchObject({ code: CODE, actingAssociationId: OTHER });
      const [byNone] = deciderSpec(enterpriseDecider).given([]).when(register, { actor: { ...TEST_ADMIN, associationId: null } }).events();
      expect(byNone?.data).toMatchObject({ actingAssociationId: null });
    });

    it('builds valid codes for fixtures', () => {
      expect(withCheckCharacter(CODE.slice(0, 17))).toBe(CODE);
    });
  });

  describe('updating the profile', () => {
    it('records a rename with the previous name, so the name history is kept', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateEnterpriseProfile', code: CODE, name: '武汉建工（集团）有限公司', effectiveFrom: '2026-01-01', reason: '工商变更' })
        .then([
          {
            type: 'EnterpriseRenamed',
            data: {
              code: CODE,
              previousName: '武汉建工集团股份有限公司',
              name: '武汉建工（集团）有限公司',
              effectiveFrom: '2026-01-01',
              reason: '工商变更',
              actingAssociationId: OWN,
            },
          },
        ]);
    });

    it('records only the fields that changed', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateEnterpriseProfile', code: CODE, name: registered.data.name, legalRepresentative: '李四', ownership: 'STATE_OWNED' })
        .then([{ type: 'EnterpriseProfileUpdated', data: { code: CODE, changes: { legalRepresentative: '李四' }, reason: null, actingAssociationId: OWN } }]);
    });

    it('records nothing when nothing changes', () => {
      spec.given([registered]).when({ type: 'UpdateEnterpriseProfile', code: CODE, regionCode: '420100' }).then([]);
    });

    it('refuses a bad effective date', () => {
      spec.given([registered]).when({ type: 'UpdateEnterpriseProfile', code: CODE, name: 'x', effectiveFrom: '2026-02-30' }).thenRejectsFields('effectiveFrom');
    });

    it('refuses to update an enterprise that is not registered', () => {
      spec.given([]).when({ type: 'UpdateEnterpriseProfile', code: CODE, name: 'x' }).thenNotFound();
    });
  });

  describe('qualifications', () => {
    const record = {
      type: 'RecordQualification',
      code: CODE,
      category: 'GENERAL_CONTRACTING',
      specialty: '建筑工程',
      grade: 'GRADE_1',
      certificateNumber: 'D142012345',
      effectiveFrom: '2025-06-01',
    } as const;

    it('records a new qualification', () => {
      spec.given([registered]).when(record).then([buildingGrade1]);
    });

    it('records a re-grading with the grade it replaces', () => {
      const [event] = spec.given([registered, buildingGrade1]).when({ ...record, grade: 'SPECIAL' }).events();
      expect(event?.data).toMatchObject({ grade: 'SPECIAL', previousGrade: 'GRADE_1' });
    });

    it('refuses recording a qualification already held at that grade', () => {
      spec.given([registered, buildingGrade1]).when(record).thenRefuses('ENTERPRISE_QUALIFICATION_ALREADY_HELD');
    });

    it('refuses a grade the category does not have', () => {
      spec.given([registered]).when({ ...record, category: 'SPECIALIST_CONTRACTING', grade: 'SPECIAL' }).thenRejectsFields('grade');
      spec.given([registered]).when({ ...record, category: 'LABOUR_SUBCONTRACTING', grade: 'GRADE_2' }).thenRejectsFields('grade');
    });

    it('withdraws a held qualification with its reason', () => {
      spec
        .given([registered, buildingGrade1])
        .when({ type: 'WithdrawQualification', code: CODE, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', reason: '资质证书注销', effectiveFrom: '2026-03-01' })
        .then([
          {
            type: 'QualificationWithdrawn',
            data: {
              code: CODE,
              qualificationKey: 'GENERAL_CONTRACTING:建筑工程',
              category: 'GENERAL_CONTRACTING',
              specialty: '建筑工程',
              grade: 'GRADE_1',
              reason: '资质证书注销',
              effectiveFrom: '2026-03-01',
              actingAssociationId: OWN,
            },
          },
        ]);
    });

    it('refuses withdrawing a qualification the enterprise does not hold', () => {
      spec
        .given([registered])
        .when({ type: 'WithdrawQualification', code: CODE, category: 'GENERAL_CONTRACTING', specialty: '市政公用工程', reason: '注销' })
        .thenRefuses('ENTERPRISE_QUALIFICATION_NOT_HELD');
    });

    it('refuses a withdrawal without a reason', () => {
      spec
        .given([registered, buildingGrade1])
        .when({ type: 'WithdrawQualification', code: CODE, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', reason: '' })
        .thenRejectsFields('reason');
    });
  });

  describe('size class', () => {
    it('records a change with the previous class, dated today in China by default', () => {
      spec
        .given([registered])
        .when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'SMALL' })
        .then([
          {
            type: 'EnterpriseSizeClassSet',
            data: { code: CODE, sizeClass: 'SMALL', previousSizeClass: 'LARGE', effectiveFrom: '2026-03-02', actingAssociationId: OWN },
          },
        ]);
    });

    it('records nothing when the class is unchanged', () => {
      spec.given([registered]).when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'LARGE' }).then([]);
    });
  });

  describe("who may change a known firm's facts", () => {
    /** The firm as registered before events recorded the acting association: stored events of that shape still fold. */
    const registeredBefore = {
      type: 'EnterpriseRegistered',
      data: {
        code: CODE,
        name: '武汉建工集团股份有限公司',
        legalRepresentative: '张三',
        regionCode: '420100',
        ownership: 'STATE_OWNED',
        sizeClass: 'LARGE',
        checkDigitOverride: null,
      },
    } as const satisfies EnterpriseRegistered;
    const changes: readonly EnterpriseCommand[] = [
      { type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' },
      { type: 'UpdateEnterpriseProfile', code: CODE, legalRepresentative: '李四' },
      { type: 'RecordQualification', code: CODE, category: 'GENERAL_CONTRACTING', specialty: '市政公用工程', grade: 'GRADE_2' },
      { type: 'WithdrawQualification', code: CODE, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', reason: '资质证书注销' },
    ];
    const tiedTo = (ties: EnterpriseTies) => deciderSpec(enterpriseDeciderWith(ties));

    it.each(changes.map((command) => [command.type, command] as const))(
      'refuses %s by an admin whose association holds no tie to a firm another association holds',
      (_type, command) => {
        const memberOfOther: EnterpriseTies = { memberships: [{ associationId: OTHER, status: 'ACTIVE' }], creditApplicants: [] };
        const error = tiedTo(memberOfOther).given([registeredBefore, buildingGrade1]).when(command).thenRefuses('ENTERPRISE_NOT_RELATED');
        // The refusal names neither the association that holds the firm nor its record there.
        expect(error.message).not.toContain(OTHER);
      },
    );

    it("refuses a malformed change as not related before looking at its fields, so the answer is the same whatever was sent", () => {
      tiedTo({ memberships: [{ associationId: OTHER, status: 'PENDING' }], creditApplicants: [] })
        .given([registeredBefore])
        .when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'HUGE' as never, effectiveFrom: '2026-02-30' })
        .thenRefuses('ENTERPRISE_NOT_RELATED');
    });

    it('counts a membership only while it has not ended: a withdrawn, expelled or rejected one ties nothing', () => {
      for (const status of ['WITHDRAWN', 'DEEMED_WITHDRAWN', 'EXPELLED', 'REJECTED']) {
        tiedTo({ memberships: [{ associationId: OWN, status }, { associationId: OTHER, status: 'ACTIVE' }], creditApplicants: [] })
          .given([registeredBefore])
          .when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' })
          .thenRefuses('ENTERPRISE_NOT_RELATED');
      }
    });

    it('lets an association change the facts while it considers, holds or has suspended the membership, recording itself', () => {
      for (const status of ['PENDING', 'ACTIVE', 'SUSPENDED']) {
        tiedTo({ memberships: [{ associationId: OTHER, status: 'ACTIVE' }, { associationId: OWN, status }], creditApplicants: [] })
          .given([registeredBefore])
          .when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' })
          .then([
            {
              type: 'EnterpriseSizeClassSet',
              data: { code: CODE, sizeClass: 'MICRO', previousSizeClass: 'LARGE', effectiveFrom: '2026-03-02', actingAssociationId: OWN },
            },
          ]);
      }
    });

    it('lets an association that holds a credit application of the firm change its facts', () => {
      tiedTo({ memberships: [{ associationId: OTHER, status: 'ACTIVE' }], creditApplicants: [OTHER, OWN] })
        .given([registeredBefore])
        .when({ type: 'UpdateEnterpriseProfile', code: CODE, legalRepresentative: '李四' })
        .then([{ type: 'EnterpriseProfileUpdated', data: { code: CODE, changes: { legalRepresentative: '李四' }, reason: null, actingAssociationId: OWN } }]);
    });

    it('lets any admin correct a firm no association holds yet, as any admin may register it', () => {
      const ended: EnterpriseTies = { memberships: [{ associationId: OTHER, status: 'WITHDRAWN' }], creditApplicants: [] };
      tiedTo(ended)
        .given([registeredBefore])
        .when({ type: 'UpdateEnterpriseProfile', code: CODE, name: '武汉建工（集团）有限公司' }, { actor: { ...TEST_ADMIN, associationId: 'assoc-xiangyang' } })
        .then([
          {
            type: 'EnterpriseRenamed',
            data: {
              code: CODE,
              previousName: '武汉建工集团股份有限公司',
              name: '武汉建工（集团）有限公司',
              effectiveFrom: '2026-03-02',
              reason: null,
              actingAssociationId: 'assoc-xiangyang',
            },
          },
        ]);
    });

    it('refuses an admin of no association on a firm an association holds', () => {
      spec
        .given([registeredBefore])
        .when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' }, { actor: { ...TEST_ADMIN, associationId: null } })
        .thenRefuses('ENTERPRISE_NOT_RELATED');
    });

    it('refuses a change sent to the registration decider, which knows no ties', () => {
      const change = { type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' } as EnterpriseCommand as RegisterEnterprise;
      deciderSpec(enterpriseDecider).given([registeredBefore]).when(change).thenRefuses('ENTERPRISE_NOT_RELATED');
    });

    it('answers NOT_FOUND for a code not in the register, whoever asks', () => {
      tiedTo({ memberships: [], creditApplicants: [] }).given([]).when({ type: 'SetEnterpriseSizeClass', code: CODE, sizeClass: 'MICRO' }).thenNotFound();
    });
  });
});

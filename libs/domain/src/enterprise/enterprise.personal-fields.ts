import type { EventFieldClasses } from '../visibility/field-classes.js';
import type { EnterpriseEvent } from './enterprise.events.js';

/**
 * The class of every field of every enterprise event (ADR 0014, ADR 0016): the firm's public identity, the legal
 * representative included as the business licence publishes it. Who recorded an event is in its metadata (staff).
 */
export const ENTERPRISE_EVENT_FIELD_CLASSES: EventFieldClasses<EnterpriseEvent> = {
  EnterpriseRegistered: {
    code: 'public',
    name: 'public',
    legalRepresentative: 'public',
    regionCode: 'public',
    ownership: 'public',
    sizeClass: 'public',
    checkDigitOverride: 'public',
    actingAssociationId: 'public',
  },
  EnterpriseRenamed: { code: 'public', previousName: 'public', name: 'public', effectiveFrom: 'public', reason: 'public', actingAssociationId: 'public' },
  EnterpriseProfileUpdated: {
    code: 'public',
    changes: { legalRepresentative: 'public', regionCode: 'public', ownership: 'public' },
    reason: 'public',
    actingAssociationId: 'public',
  },
  QualificationRecorded: {
    code: 'public',
    qualificationKey: 'public',
    category: 'public',
    specialty: 'public',
    grade: 'public',
    previousGrade: 'public',
    certificateNumber: 'public',
    effectiveFrom: 'public',
    actingAssociationId: 'public',
  },
  QualificationWithdrawn: {
    code: 'public',
    qualificationKey: 'public',
    category: 'public',
    specialty: 'public',
    grade: 'public',
    reason: 'public',
    effectiveFrom: 'public',
    actingAssociationId: 'public',
  },
  EnterpriseSizeClassSet: { code: 'public', sizeClass: 'public', previousSizeClass: 'public', effectiveFrom: 'public', actingAssociationId: 'public' },
};

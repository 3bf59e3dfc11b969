import type { EventFieldClasses } from '../visibility/field-classes.js';
import type { ExpertEvent } from './experts.events.js';

/*
 * The class of every field of every expert event (ADR 0021, ADR 0014). An expert's name and identity-card number are
 * never here: the expert names a person of the register by their register id, which reveals nothing (public, as a
 * credit subject's is). What the pool holds about the person as an expert — specialties, title, employer, sign-in
 * user id and declared conflicts with their reasons — is staff class: personal information kept in plain (the pool
 * is drawn from it and the awards context checks conflicts on it), shown to the owning association's ADMIN and the
 * AUDITOR only. An expert list is kept from the firms being reviewed, so none of it is public. Status, dates and the
 * history's references, rounds and points are public within what the operations admit (credit scores are too); the
 * staff who decided or recorded are staff.
 */
const ON_EXPERT = { associationId: 'public', expertId: 'public' } as const;
const STATUS_CHANGE = { ...ON_EXPERT, reason: 'staff', effectiveOn: 'public', decidedBy: 'staff' } as const;
const HISTORY = { ...ON_EXPERT, reference: { kind: 'public', id: 'public' }, round: 'public', sourceEventId: 'public', recordedOn: 'public', recordedBy: 'staff' } as const;

export const EXPERTS_EVENT_FIELD_CLASSES: EventFieldClasses<ExpertEvent> = {
  ExpertEnrolled: {
    ...ON_EXPERT,
    personId: 'public',
    specialties: 'staff',
    employerCode: 'staff',
    title: 'staff',
    userId: 'staff',
    enrolledOn: 'public',
    enrolledBy: 'staff',
  },
  ExpertProfileChanged: { ...ON_EXPERT, changes: { specialties: 'staff', employerCode: 'staff', title: 'staff', userId: 'staff' }, changedOn: 'public', changedBy: 'staff' },
  ExpertSuspended: STATUS_CHANGE,
  ExpertReinstated: STATUS_CHANGE,
  ExpertRetired: STATUS_CHANGE,
  ExpertConflictDeclared: { ...ON_EXPERT, conflictId: 'public', enterpriseCode: 'staff', reason: 'staff', from: 'public', to: 'public', declaredBy: 'staff' },
  ExpertConflictWithdrawn: { ...ON_EXPERT, conflictId: 'public', reason: 'staff', withdrawnOn: 'public', withdrawnBy: 'staff' },
  ExpertAssigned: HISTORY,
  ExpertRecused: { ...HISTORY, reason: 'staff' },
  ExpertScoreRecorded: { ...HISTORY, criterion: 'public', points: 'public' },
};

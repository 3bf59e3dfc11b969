/** Stable rule codes of the persons register (clients switch on these). */
export const PersonsRules = {
  alreadyRegistered: 'PERSON_ALREADY_REGISTERED',
  notRegistered: 'PERSON_NOT_REGISTERED',
  erased: 'PERSON_ERASED',
  notRelated: 'PERSON_NOT_RELATED',
  erasurePending: 'PERSON_ERASURE_PENDING',
  erasureRequestIdUsed: 'PERSON_ERASURE_REQUEST_ID_USED',
  erasureNotPending: 'PERSON_ERASURE_NOT_PENDING',
  erasureSelfApproval: 'PERSON_ERASURE_SELF_APPROVAL',
  erasureSelfRejection: 'PERSON_ERASURE_SELF_REJECTION',
} as const;

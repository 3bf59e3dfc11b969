/** Stable rule codes of the enterprise register (clients switch on these). */
export const EnterpriseRules = {
  alreadyRegistered: 'ENTERPRISE_ALREADY_REGISTERED',
  notRegistered: 'ENTERPRISE_NOT_REGISTERED',
  qualificationAlreadyHeld: 'ENTERPRISE_QUALIFICATION_ALREADY_HELD',
  qualificationNotHeld: 'ENTERPRISE_QUALIFICATION_NOT_HELD',
  overrideNotNeeded: 'ENTERPRISE_CODE_OVERRIDE_NOT_NEEDED',
  /** The acting association holds no unended membership and no credit application of a firm other associations hold. */
  notRelated: 'ENTERPRISE_NOT_RELATED',
} as const;

// Field patterns and limits the credit deciders share.
export const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
export const SUBJECT = /^[0-9A-Z]{6,32}$/;
export const TEXT_MAX = 2000;

/** Credit certificate numbers: ASCII letters, digits and hyphens, e.g. `YY2020-0001`. */
export const CREDIT_CERTIFICATE_NUMBER = /^[A-Za-z0-9-]{1,40}$/;

/** The application a command addresses, as every event of the application stream names it. */
export function applicationKey(command: { associationId: string; cycleId: string; subjectId: string }) {
  return { associationId: command.associationId, cycleId: command.cycleId, subjectId: command.subjectId };
}

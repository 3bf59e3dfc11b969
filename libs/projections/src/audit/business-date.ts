/** Business dates an event's data may carry, in the order they are preferred: the effective date first. */
const BUSINESS_DATE_FIELDS = [
  'effectiveFrom', 'admittedOn', 'rejectedOn', 'approvedOn', 'grantedOn', 'paidOn', 'invoicedOn', 'requestedOn', 'completedOn',
  'filedOn', 'resolvedOn', 'startsOn', 'validFrom', 'confirmedOn', 'expiredOn', 'closedOn', 'sentOn', 'noticeDate', 'appliedOn',
  'occurredOn', 'registeredOn', 'correctedOn', 'erasedOn',
] as const;

/** The business date (YYYY-MM-DD) an event takes effect on, from its data; null when it carries none. */
export function businessDateOf(data: Readonly<Record<string, unknown>>): string | null {
  return BUSINESS_DATE_FIELDS.map((f) => data[f]).find((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) ?? null;
}

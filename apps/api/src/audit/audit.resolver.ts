import { Args, Query, Resolver } from '@nestjs/graphql';
import { type FieldError, InvalidInput } from '#domain/shared';
import { Roles } from '#platform';
import type { AuditTrailFilter } from '#projections';
import { Unscoped } from '../graphql/access-scope.guard.js';
import type { Connection } from '../graphql/connection.js';
import { readCreditCode } from '../graphql/credit-code-input.js';
import { AuditHistory } from './audit-history.js';
import { AuditTrailArgs, type AuditTrailFilterInput } from './audit.inputs.js';
import { type AuditTrailEntry, AuditTrailEntryConnection } from './audit.types.js';

@Resolver()
export class AuditTrailResolver {
  constructor(private readonly history: AuditHistory) {}

  @Query(() => AuditTrailEntryConnection, {
    description:
      "The audit trail across every context, for auditors: by subject (a firm's streams or a person's), by actor, by recorded time and by event type, combinable; oldest first in the store's global order, by cursor. Each entry has its actor, role, association, authority, recorded time, business date, command, correlation, event id, stream, revision, position and hash; personal fields of the payload are opened for the auditor.",
  })
  @Roles('AUDITOR')
  // Auditors read every association's records: the role alone decides.
  @Unscoped()
  auditTrail(@Args() { filter, first, after }: AuditTrailArgs): Promise<Connection<AuditTrailEntry>> {
    return this.history.trail(parseFilter(filter ?? {}), first, after) as Promise<Connection<AuditTrailEntry>>;
  }
}

/** The filter as the trail reads it: the code normalised, the instants real and in order, every error at once. */
function parseFilter(filter: AuditTrailFilterInput): AuditTrailFilter {
  const errors: FieldError[] = [];
  let firmCode: string | null = null;
  if (filter.firmCode !== undefined && filter.firmCode !== null) {
    const reading = readCreditCode(filter.firmCode);
    if (reading.kind === 'malformed') errors.push({ field: 'filter.firmCode', message: reading.reason });
    // A code failing only its check character may be registered by an override: the trail says what it holds.
    else firmCode = reading.code;
  }
  for (const field of ['recordedFrom', 'recordedTo'] as const) {
    const value = filter[field];
    // The DateTime scalar lets a string that is no date through as an invalid Date.
    if (value && Number.isNaN(value.getTime())) errors.push({ field: `filter.${field}`, message: 'must be an instant in ISO 8601, e.g. 2024-05-01T08:00:00+08:00.' });
  }
  const { recordedFrom, recordedTo } = filter;
  if (errors.length === 0 && recordedFrom && recordedTo && recordedFrom.getTime() > recordedTo.getTime()) {
    errors.push({ field: 'filter.recordedTo', message: `is before recordedFrom (${recordedFrom.toISOString()}): the range is empty.` });
  }
  if (errors.length > 0) throw new InvalidInput(errors);
  return {
    firmCode,
    personId: filter.personId ?? null,
    actorUserId: filter.actorUserId?.trim() || null,
    recordedFrom: recordedFrom ?? null,
    recordedTo: recordedTo ?? null,
    eventTypes: filter.eventTypes ?? null,
  };
}

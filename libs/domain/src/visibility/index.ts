/**
 * The field layer of ADR 0014: the classes of fields, the one decision of who sees which, and the declared class of
 * every field of every event type (each context declares its own next to its events). Histories redact event
 * payloads from these declarations only; a new event type or data field does not compile until it is declared.
 */
import { AWARDS_EVENT_FIELD_CLASSES, AWARDS_PERSONAL_DATA_OWNERS } from '../awards/awards.personal-fields.js';
import { CREDIT_EVENT_FIELD_CLASSES, CREDIT_PERSONAL_DATA_OWNERS } from '../credit/credit.personal-fields.js';
import { DUES_EVENT_FIELD_CLASSES } from '../dues/dues.personal-fields.js';
import { ENTERPRISE_EVENT_FIELD_CLASSES } from '../enterprise/enterprise.personal-fields.js';
import { MEMBERSHIP_EVENT_FIELD_CLASSES } from '../membership/membership.personal-fields.js';
import { PERSONS_EVENT_FIELD_CLASSES, PERSONS_PERSONAL_DATA_OWNERS } from '../persons/persons.personal-fields.js';
import { isPersonId } from '../persons/persons.events.js';
import { EXPERTS_EVENT_FIELD_CLASSES } from '../experts/experts.personal-fields.js';
import { streamCategory } from '../shared/index.js';
import { STREAM_KINDS } from '../streams/index.js';
import {
  classesToDecide,
  type FieldClassTree,
  holdsSealedClass,
  type RecordOwner,
  redactData,
  type RestrictedClass,
  type RestrictedVisibility,
} from './field-classes.js';

export * from './field-classes.js';

/** Every event type's declaration, by type. */
export const EVENT_FIELD_CLASSES: Readonly<Record<string, FieldClassTree>> = {
  ...ENTERPRISE_EVENT_FIELD_CLASSES,
  ...MEMBERSHIP_EVENT_FIELD_CLASSES,
  ...DUES_EVENT_FIELD_CLASSES,
  ...CREDIT_EVENT_FIELD_CLASSES,
  ...PERSONS_EVENT_FIELD_CLASSES,
  ...EXPERTS_EVENT_FIELD_CLASSES,
  ...AWARDS_EVENT_FIELD_CLASSES,
};

/** Every event type's owner of its sealed fields, by type (only types whose declaration holds a sealed class). */
export const PERSONAL_DATA_OWNERS: Readonly<Record<string, (data: never) => string>> = {
  ...CREDIT_PERSONAL_DATA_OWNERS,
  ...PERSONS_PERSONAL_DATA_OWNERS,
  ...AWARDS_PERSONAL_DATA_OWNERS,
};

/** The key id whose data key seals this event's personal and sensitive fields; null when it holds none. */
export function personalDataOwnerOf(eventType: string, data: unknown): string | null {
  const owner = PERSONAL_DATA_OWNERS[eventType];
  if (!owner) return null;
  return owner(data as never);
}

/** Whether events of this type hold fields that are stored sealed. */
export function eventHoldsSealedFields(eventType: string): boolean {
  return holdsSealedClass(EVENT_FIELD_CLASSES[eventType]);
}

/** The restricted classes to decide for a caller before this event's data is shown (see `classesToDecide`). */
export function eventClassesToDecide(eventType: string, data: unknown): ReadonlySet<RestrictedClass> {
  return classesToDecide(data, EVENT_FIELD_CLASSES[eventType]);
}

/** An event's data as a caller sees it: its declared restricted fields null where the caller may not see them. */
export function redactEventData(eventType: string, data: unknown, visible: RestrictedVisibility): unknown {
  return redactData(data, EVENT_FIELD_CLASSES[eventType], visible);
}

const KINDS_BY_CATEGORY = new Map(STREAM_KINDS.map((k) => [k.kind.category, k.kind]));
/** The parts of a stream id that name the firm a stream is about. */
const FIRM_PARTS = ['code', 'enterpriseCode', 'subjectId'];
/** The parts of a stream id that name the person a stream is about. */
const PERSON_PARTS = ['personId'];

/**
 * Whose record an event is part of: the association and the firm its stream is named by. A stream of no
 * association (a firm's national facts, a subject's conduct records) takes the association its event names.
 */
export function ownerOfEvent(streamId: string, data: unknown): RecordOwner {
  const category = streamCategory(streamId);
  const kind = category === null ? undefined : KINDS_BY_CATEGORY.get(category);
  const parts = kind?.parse(streamId) ?? null;
  if (!kind || parts === null) return {};
  const part = (name: string) => {
    const at = kind.partNames.indexOf(name);
    return at < 0 ? null : (parts[at] ?? null);
  };
  const named = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).associationId : undefined;
  return {
    associationId: part('associationId') ?? (typeof named === 'string' ? named : null),
    firm: FIRM_PARTS.map(part).find((value) => value !== null && !isPersonId(value)) ?? null,
    person: [...PERSON_PARTS, ...FIRM_PARTS].map(part).find((value) => value !== null && isPersonId(value)) ?? null,
  };
}

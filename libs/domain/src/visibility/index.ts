/**
 * The field layer of ADR 0014: the classes of fields, the one decision of who sees which, and the declared class of
 * every field of every event type (each context declares its own next to its events). Histories redact event
 * payloads from these declarations only; a new event type or data field does not compile until it is declared.
 */
import { CREDIT_EVENT_FIELD_CLASSES } from '../credit/credit.personal-fields.js';
import { DUES_EVENT_FIELD_CLASSES } from '../dues/dues.personal-fields.js';
import { ENTERPRISE_EVENT_FIELD_CLASSES } from '../enterprise/enterprise.personal-fields.js';
import { MEMBERSHIP_EVENT_FIELD_CLASSES } from '../membership/membership.personal-fields.js';
import { streamCategory } from '../shared/index.js';
import { STREAM_KINDS } from '../streams/index.js';
import {
  classesToDecide,
  type FieldClassTree,
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
};

/** The restricted classes to decide for a caller before this event's data is shown (see `classesToDecide`). */
export function eventClassesToDecide(eventType: string, data: unknown): ReadonlySet<RestrictedClass> {
  return classesToDecide(data, EVENT_FIELD_CLASSES[eventType]);
}

/** An event's data as a caller sees it: its declared person and staff fields null where the caller may not see them. */
export function redactEventData(eventType: string, data: unknown, visible: RestrictedVisibility): unknown {
  return redactData(data, EVENT_FIELD_CLASSES[eventType], visible);
}

const KINDS_BY_CATEGORY = new Map(STREAM_KINDS.map((k) => [k.kind.category, k.kind]));
/** The parts of a stream id that name the firm a stream is about. */
const FIRM_PARTS = ['code', 'enterpriseCode', 'subjectId'];

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
    firm: FIRM_PARTS.map(part).find((value) => value !== null) ?? null,
  };
}

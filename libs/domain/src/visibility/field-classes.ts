import type { EnterpriseTies } from '../enterprise/enterprise.commands.js';
import { relatedAssociations } from '../enterprise/enterprise.decide.js';
import { type Actor, type DomainEvent, normaliseCreditCode } from '../shared/index.js';

/**
 * The classes of ADR 0014: `public` for every role an operation admits; `person` (a firm's legal representative,
 * later every field the persons register holds) for an ADMIN of a related association, the AUDITOR and the firm
 * itself; `staff` (user ids of secretariat staff and scorers) for an ADMIN of the owning association and the AUDITOR.
 */
export type FieldClass = 'public' | 'person' | 'staff';
export type RestrictedClass = Exclude<FieldClass, 'public'>;
export const RESTRICTED_CLASSES: readonly RestrictedClass[] = ['person', 'staff'];

/** Whose record a field is part of. */
export interface RecordOwner {
  /** The association the record belongs to, or the one its staff member acted for. */
  readonly associationId?: string | null;
  /** The firm the record is about: its person fields are the firm's. */
  readonly firm?: string | null;
}

/** What a caller sees of a field: all of it, nothing, or only if its association is related to the firm. */
export type Visibility = 'visible' | 'hidden' | { readonly ifRelated: { readonly firm: string; readonly associationId: string } };

/**
 * The one decision of the field layer: may this actor see a field of this class in a record of this owner. A
 * person field of a firm is shown to the admin of an association that is not the record's own only when that
 * association is related to the firm, which needs the firm's ties (`isRelated`): the answer says so.
 */
export function visibilityOf(actor: Actor, fieldClass: FieldClass, owner: RecordOwner): Visibility {
  if (fieldClass === 'public' || actor.role === 'AUDITOR') return 'visible';
  switch (actor.role) {
    case 'ADMIN': {
      const own = actor.associationId ?? null;
      if (own === null) return 'hidden';
      if (owner.associationId === own) return 'visible';
      return fieldClass === 'person' && owner.firm ? { ifRelated: { firm: owner.firm, associationId: own } } : 'hidden';
    }
    case 'MEMBER':
      return fieldClass === 'person' && isOwnFirm(actor, owner.firm) ? 'visible' : 'hidden';
    default:
      // EXPERT and TENDER see public fields only; SYSTEM reads nothing.
      return 'hidden';
  }
}

/** Whether the record's owner can change what the actor sees of a field of this class (else it need not be loaded). */
export function ownerMatters(actor: Actor, fieldClass: FieldClass): boolean {
  if (fieldClass === 'public') return false;
  return actor.role === 'ADMIN' || (actor.role === 'MEMBER' && fieldClass === 'person');
}

function isOwnFirm(actor: Actor, firm: string | null | undefined): boolean {
  return typeof actor.enterpriseCode === 'string' && typeof firm === 'string' && normaliseCreditCode(actor.enterpriseCode) === normaliseCreditCode(firm);
}

/**
 * Whether the association is related to the firm: it holds a membership of it that has not ended (an application,
 * an active or a suspended membership) or a credit application of it — the ties the enterprise decider judges.
 */
export function isRelated(ties: EnterpriseTies, associationId: string): boolean {
  return relatedAssociations(ties).has(associationId);
}

// ---- event payloads ----------------------------------------------------------------------------------------------

/** A nested value's declaration: a class for all of it, or (objects, and arrays of objects: each element) per field. */
type NestedClasses<V> = V extends readonly (infer E)[]
  ? NonNullable<E> extends object
    ? DataFieldClasses<NonNullable<E>>
    : never
  : V extends object
    ? DataFieldClasses<V>
    : never;

/**
 * The class of every field of an event's data. Mapped over every key (optional ones too), so a field added to an
 * event's data does not compile until it is classified, and a declared field the data lacks is an excess property.
 */
export type DataFieldClasses<T> = { readonly [K in keyof T]-?: FieldClass | NestedClasses<NonNullable<T[K]>> };

/** One declaration per event type of a context's event union: a new event type does not compile without one. */
export type EventFieldClasses<E extends DomainEvent> = { readonly [Type in E['type']]: DataFieldClasses<Extract<E, { type: Type }>['data']> };

/** A declaration as the redaction walks it, whatever the event type. */
export interface FieldClassTree {
  readonly [field: string]: FieldClass | FieldClassTree;
}

/** Which restricted classes a caller sees in one event (decided once per event, for its owner). */
export type RestrictedVisibility = Readonly<Record<RestrictedClass, boolean>>;

/**
 * The data with every field the caller may not see replaced by null. A field the declaration does not name (an
 * undeclared event type, a field of older events since removed) is shown only to a caller who sees both classes.
 * The data itself is not changed.
 */
export function redactData(data: unknown, classes: FieldClassTree | undefined, visible: RestrictedVisibility): unknown {
  if (visible.person && visible.staff) return data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return classes === undefined ? null : data;
  const redacted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    const declared = classes?.[field];
    if (declared === undefined) redacted[field] = null;
    else if (typeof declared === 'string') redacted[field] = declared === 'public' || visible[declared] ? value : null;
    else if (Array.isArray(value)) redacted[field] = value.map((element: unknown) => redactData(element, declared, visible));
    else redacted[field] = value === null || value === undefined ? value : redactData(value, declared, visible);
  }
  return redacted;
}

const DECLARED_CLASSES = new WeakMap<FieldClassTree, ReadonlySet<RestrictedClass>>();

/** The restricted classes a declaration holds anywhere (undeclared: both, since nothing of it is known). */
export function restrictedClassesIn(classes: FieldClassTree | undefined): ReadonlySet<RestrictedClass> {
  if (classes === undefined) return new Set(RESTRICTED_CLASSES);
  let found = DECLARED_CLASSES.get(classes);
  if (found === undefined) {
    const paths = restrictedPaths(classes);
    found = new Set(RESTRICTED_CLASSES.filter((c) => paths.some((p) => p.fieldClass === c)));
    DECLARED_CLASSES.set(classes, found);
  }
  return found;
}

/** Whether the data holds a field its declaration does not name, at any depth the declaration describes. */
function hasUndeclaredField(data: unknown, classes: FieldClassTree): boolean {
  if (Array.isArray(data)) return data.some((element: unknown) => hasUndeclaredField(element, classes));
  if (data === null || typeof data !== 'object') return false;
  return Object.entries(data).some(([field, value]) => {
    const declared = classes[field];
    return declared === undefined || (typeof declared !== 'string' && hasUndeclaredField(value, declared));
  });
}

/**
 * The restricted classes to decide for a caller before the data is shown: those its declaration holds, and both
 * when the data holds a field the declaration does not name (such a field is shown only to a caller who sees both).
 */
export function classesToDecide(data: unknown, classes: FieldClassTree | undefined): ReadonlySet<RestrictedClass> {
  if (classes === undefined || hasUndeclaredField(data, classes)) return new Set(RESTRICTED_CLASSES);
  return restrictedClassesIn(classes);
}

/** Every restricted field of a declaration as a dotted path (`changes.legalRepresentative`), with its class. */
export function restrictedPaths(classes: FieldClassTree, prefix = ''): { readonly path: string; readonly fieldClass: RestrictedClass }[] {
  return Object.entries(classes).flatMap(([field, declared]) =>
    typeof declared !== 'string'
      ? restrictedPaths(declared, `${prefix}${field}.`)
      : declared === 'public'
        ? []
        : [{ path: `${prefix}${field}`, fieldClass: declared }],
  );
}

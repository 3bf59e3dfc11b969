import type { EnterpriseTies } from '../enterprise/enterprise.commands.js';
import { relatedAssociations } from '../enterprise/enterprise.decide.js';
import { type Actor, type DomainEvent, normaliseCreditCode } from '../shared/index.js';

/**
 * The field classes, written down once (docs/privacy.md, ADR 0014, ADR 0016). Every field of every event type is
 * declared in one of them; role visibility, the sealing of event data, the logs and a person's export all read the
 * declarations.
 *
 * - `public`: company data and the legal representative as published on the business licence, rules, grades,
 *   conduct records within their disclosure period. Every role an operation admits sees it.
 * - `personal` (PIPL personal information): a natural person's name, phone, address, the objector of a notice.
 *   Sealed in event data under the person's data key; shown to an ADMIN of the owning or a related association, the
 *   AUDITOR and the firm the record is about.
 * - `sensitive` (PIPL Art. 28 sensitive personal information): the resident identity-card number. Sealed; shown
 *   only to the AUDITOR (a person's export); others see at most a masked form.
 * - `staff`: user ids of the register's own staff and scorers. Personal information of staff, kept in plain for
 *   accountability as long as the record; shown to an ADMIN of the owning association and the AUDITOR.
 */
export type FieldClass = 'public' | 'personal' | 'sensitive' | 'staff';
export type RestrictedClass = Exclude<FieldClass, 'public'>;
export const RESTRICTED_CLASSES: readonly RestrictedClass[] = ['personal', 'sensitive', 'staff'];
/** The classes whose values are stored sealed under the data key of the person they belong to. */
export type SealedClass = 'personal' | 'sensitive';
export const SEALED_CLASSES: readonly SealedClass[] = ['personal', 'sensitive'];
/** The class of PIPL each field class is. */
export const PIPL_CLASS: Readonly<Record<FieldClass, 'public' | 'personal' | 'sensitive personal'>> = {
  public: 'public',
  personal: 'personal',
  sensitive: 'sensitive personal',
  staff: 'personal',
};

/** Whose record a field is part of. */
export interface RecordOwner {
  /** The association the record belongs to, or the one its staff member acted for. */
  readonly associationId?: string | null;
  /** The firm the record is about: its personal fields are the firm's. */
  readonly firm?: string | null;
  /** The person (register id) the record is about. */
  readonly person?: string | null;
}

/** What a caller sees of a field: all of it, nothing, or only if its association is related to the firm or the person. */
export type Visibility =
  | 'visible'
  | 'hidden'
  | { readonly ifRelated: { readonly firm: string; readonly associationId: string } }
  | { readonly ifRelatedToPerson: { readonly person: string; readonly associationId: string } };

/**
 * The one decision of the field layer: may this actor see a field of this class in a record of this owner. A
 * personal field of a firm (of a person) is shown to the admin of an association that is not the record's own only
 * when that association is related to the firm (the person), which needs its ties (`isRelated`): the answer says so.
 */
export function visibilityOf(actor: Actor, fieldClass: FieldClass, owner: RecordOwner): Visibility {
  if (fieldClass === 'public' || actor.role === 'AUDITOR') return 'visible';
  // Sensitive personal information is the AUDITOR's alone (a person's export); others see at most a masked form.
  if (fieldClass === 'sensitive') return 'hidden';
  switch (actor.role) {
    case 'ADMIN': {
      const own = actor.associationId ?? null;
      if (own === null) return 'hidden';
      if (owner.associationId === own) return 'visible';
      if (fieldClass !== 'personal') return 'hidden';
      if (owner.firm) return { ifRelated: { firm: owner.firm, associationId: own } };
      if (owner.person) return { ifRelatedToPerson: { person: owner.person, associationId: own } };
      return 'hidden';
    }
    case 'MEMBER':
      return fieldClass === 'personal' && isOwnFirm(actor, owner.firm) ? 'visible' : 'hidden';
    default:
      // EXPERT and TENDER see public fields only; SYSTEM reads nothing.
      return 'hidden';
  }
}

/** Whether the record's owner can change what the actor sees of a field of this class (else it need not be loaded). */
export function ownerMatters(actor: Actor, fieldClass: FieldClass): boolean {
  if (fieldClass === 'public' || fieldClass === 'sensitive') return false;
  return actor.role === 'ADMIN' || (actor.role === 'MEMBER' && fieldClass === 'personal');
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

/**
 * Whose data key seals the personal and sensitive fields of an event type, read from its data: a person's register
 * id, or the key id of another owner (an objector). Every event type whose declaration holds a sealed class has one
 * (checked by libs/domain/src/visibility/visibility.spec.ts); the command path refuses to append an event it cannot seal.
 */
export type PersonalDataOwners<E extends DomainEvent> = { readonly [Type in E['type']]?: (data: Extract<E, { type: Type }>['data']) => string };

/** A declaration as the redaction walks it, whatever the event type. */
export interface FieldClassTree {
  readonly [field: string]: FieldClass | FieldClassTree;
}

/** Which restricted classes a caller sees in one event (decided once per event, for its owner). */
export type RestrictedVisibility = Readonly<Record<RestrictedClass, boolean>>;

/**
 * The data with every field the caller may not see replaced by null. A field the declaration does not name (an
 * undeclared event type, a field of older events since removed) is shown only to a caller who sees every class.
 * The data itself is not changed.
 */
export function redactData(data: unknown, classes: FieldClassTree | undefined, visible: RestrictedVisibility): unknown {
  if (RESTRICTED_CLASSES.every((c) => visible[c])) return data;
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

/** The restricted classes a declaration holds anywhere (undeclared: every one, since nothing of it is known). */
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
 * The restricted classes to decide for a caller before the data is shown: those its declaration holds, and every
 * one when the data holds a field the declaration does not name (such a field is shown only to a caller who sees all).
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

/**
 * The data with the value of every field declared in one of `classes` replaced by `replace(value, class)`; the rest as
 * it is. Null and absent values are left alone. The data itself is not changed.
 */
export function mapDeclaredFields(
  data: unknown,
  classes: FieldClassTree | undefined,
  mapped: readonly FieldClass[],
  replace: (value: unknown, fieldClass: FieldClass) => unknown,
): unknown {
  if (classes === undefined || data === null || typeof data !== 'object') return data;
  if (Array.isArray(data)) return data.map((element: unknown) => mapDeclaredFields(element, classes, mapped, replace));
  let changed: Record<string, unknown> | null = null;
  for (const [field, value] of Object.entries(data)) {
    const declared = classes[field];
    if (declared === undefined || value === null || value === undefined) continue;
    const next = typeof declared === 'string' ? (mapped.includes(declared) ? replace(value, declared) : value) : mapDeclaredFields(value, declared, mapped, replace);
    if (next !== value) (changed ??= { ...(data as Record<string, unknown>) })[field] = next;
  }
  return changed ?? data;
}

/** Every value of a field declared in one of `classes`, in the order `mapDeclaredFields` visits them. */
export function declaredValues(data: unknown, classes: FieldClassTree | undefined, wanted: readonly FieldClass[]): unknown[] {
  const found: unknown[] = [];
  mapDeclaredFields(data, classes, wanted, (value) => {
    found.push(value);
    return value;
  });
  return found;
}

/** Whether a declaration holds a field of a sealed class anywhere. */
export function holdsSealedClass(classes: FieldClassTree | undefined): boolean {
  if (classes === undefined) return false;
  return restrictedPaths(classes).some((p) => (SEALED_CLASSES as readonly string[]).includes(p.fieldClass));
}

import { applyDecorators, Inject, Injectable, Module } from '@nestjs/common';
import { Extensions, Field, type FieldMiddleware, type ReturnTypeFunc } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { EnterpriseFacts } from '#application';
import type { EnterpriseTies } from '#domain/enterprise';
import { type Actor, isErased, isSealed, type SealedValue } from '#domain/shared';
import {
  classesToDecide,
  EVENT_FIELD_CLASSES,
  type FieldClass,
  type FieldClassTree,
  isRelated,
  mapDeclaredFields,
  ownerMatters,
  type RecordOwner,
  redactData,
  RESTRICTED_CLASSES,
  type RestrictedClass,
  type RestrictedVisibility,
  SEALED_CLASSES,
  visibilityOf,
} from '#domain/visibility';
import { AuditQueries, CreditQueries, MembershipQueries, PersonsQueries } from '#projections';
import { awaitAuditTrail } from '../audit/audit-history.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/*
 * Layer 3 of ADR 0014, the field layer. A field of class personal, sensitive or staff is declared with
 * `RestrictedField`: it is nullable, and its middleware answers null unless the caller may see that class in the
 * record's owner (`visibilityOf`). Event payloads (and read-model copies of them) are redacted by `RedactedPayload`
 * from the per-event-type declarations of libs/domain. The facts an owner needs (a firm's or a person's ties to
 * associations, who recorded a stream's first event) are loaded per request, in batches.
 *
 * Personal data is stored sealed (ADR 0016): a value the caller may see is opened here, last, with every sealed value
 * of the request opened in one batch; a value whose owner was erased answers null (a field) or `{ erased: true }`
 * (inside a payload). A caller who may not see a field never causes its value to be opened.
 */

/** The GraphQL field extension naming a restricted field's class (listed by test/security/field-visibility.spec.ts). */
export const FIELD_CLASS_EXTENSION = 'fieldClass';
/** The GraphQL field extension naming the event type a redacted payload is declared by (`*`: the event's own type). */
export const REDACTED_AS_EXTENSION = 'redactedAs';

/** What the field layer needs of the GraphQL context: built per request by ApiModule. */
export interface FieldAccessContext {
  readonly fieldAccess: RequestFieldAccess;
}

/** One request's view of restricted fields: who asks, and the owners' facts, each loaded once and in batches. */
export class RequestFieldAccess {
  private ties: DataLoader<string, EnterpriseTies> | undefined;
  private personTies: DataLoader<string, ReadonlySet<string>> | undefined;
  private recorders: DataLoader<string, string | null> | undefined;
  private opener: DataLoader<SealedValue, unknown> | undefined;

  constructor(
    /** The HTTP request: AuthGuard puts the verified actor on it before any field resolves. */
    private readonly request: object,
    private readonly sources: FieldVisibility,
  ) {}

  /** Whether the caller may see a field of this class; `ownerOf` is asked only when the owner can change the answer. */
  async maySee(fieldClass: FieldClass, ownerOf: () => RecordOwner | Promise<RecordOwner>): Promise<boolean> {
    const actor = (this.request as { readonly actor?: Actor }).actor;
    if (!actor) return false;
    const visibility = visibilityOf(actor, fieldClass, ownerMatters(actor, fieldClass) ? await ownerOf() : {});
    if (typeof visibility === 'string') return visibility === 'visible';
    if ('ifRelatedToPerson' in visibility) {
      const { person, associationId } = visibility.ifRelatedToPerson;
      this.personTies ??= new DataLoader((ids) => this.sources.personTiesOfEach(ids).then((ties) => ids.map((id) => ties.get(id) ?? new Set<string>())));
      return (await this.personTies.load(person)).has(associationId);
    }
    const { firm, associationId } = visibility.ifRelated;
    this.ties ??= new DataLoader((firms) => this.sources.tiesOfEach(firms).then((ties) => firms.map((f) => ties.get(f)!)));
    return isRelated(await this.ties.load(firm), associationId);
  }

  /** Which of these classes the caller sees in a record of this owner (a class not asked about counts as seen). */
  async visibleClasses(classes: ReadonlySet<RestrictedClass>, ownerOf: () => RecordOwner): Promise<RestrictedVisibility> {
    const [personal, sensitive, staff] = await Promise.all(
      RESTRICTED_CLASSES.map((c) => (classes.has(c) ? this.maySee(c, ownerOf) : Promise.resolve(true))),
    );
    return { personal: personal!, sensitive: sensitive!, staff: staff! };
  }

  /** A sealed value opened (every value asked for during the request in one batch); ERASED when its key is gone. */
  open(value: SealedValue): Promise<unknown> {
    this.opener ??= new DataLoader((values) => this.sources.open(values), { cache: false });
    return this.opener.load(value);
  }

  /** Every sealed value of a payload's declared personal and sensitive fields opened (hidden ones are null by now). */
  async openPayload(payload: unknown, classes: FieldClassTree | undefined): Promise<unknown> {
    const found: SealedValue[] = [];
    mapDeclaredFields(payload, classes, SEALED_CLASSES, (value) => {
      if (isSealed(value)) found.push(value);
      return value;
    });
    if (found.length === 0) return payload;
    const opened = await Promise.all(found.map((value) => this.open(value)));
    let next = 0;
    return mapDeclaredFields(payload, classes, SEALED_CLASSES, (value) => (isSealed(value) ? opened[next++] : value));
  }

  /** The association of whoever recorded the stream's first event (a firm's registration: the registering admin's). */
  firstRecorderAssociation(streamId: string): Promise<string | null> {
    this.recorders ??= new DataLoader((ids) => this.sources.firstRecorderAssociations(ids).then((found) => ids.map((id) => found.get(id) ?? null)));
    return this.recorders.load(streamId);
  }
}

/** The sources the field layer reads the owners' facts from; one per service, one `RequestFieldAccess` per request. */
@Injectable()
export class FieldVisibility {
  constructor(
    private readonly enterprise: EnterpriseFacts,
    private readonly audit: AuditQueries,
    private readonly persons: PersonsQueries,
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
  ) {}

  /** The associations related to each person (who registered them, who holds their credit records). */
  personTiesOfEach(personIds: readonly string[]): Promise<Map<string, ReadonlySet<string>>> {
    return this.persons.relatedAssociationsOfEach(personIds);
  }

  /** Opens sealed values under the keys kept outside the database. */
  open(values: readonly SealedValue[]): Promise<unknown[]> {
    return this.runtime.personalData.open(values);
  }

  forRequest(request: object): RequestFieldAccess {
    return new RequestFieldAccess(request, this);
  }

  /** The firms' ties to associations, the enterprise decider's own facts, in two statements for every firm asked. */
  tiesOfEach(firms: readonly string[]): Promise<Map<string, EnterpriseTies>> {
    return this.enterprise.tiesOfEach(firms);
  }

  /** From the audit trail; a stream it does not hold yet is waited for (bounded), as the histories wait. */
  async firstRecorderAssociations(streamIds: readonly string[]): Promise<Map<string, string | null>> {
    const found = await this.audit.firstRecorderAssociations(streamIds);
    const behind = streamIds.filter((id) => !found.has(id));
    if (behind.length === 0) return found;
    await awaitAuditTrail(this.runtime, this.audit, behind);
    return new Map([...found, ...(await this.audit.firstRecorderAssociations(behind))]);
  }
}

/** The field layer's providers, for the GraphQL module's context factory. */
@Module({
  providers: [FieldVisibility, EnterpriseFacts, MembershipQueries, CreditQueries, AuditQueries, PersonsQueries],
  exports: [FieldVisibility],
})
export class FieldVisibilityModule {}

function accessOf(context: unknown): RequestFieldAccess {
  const access = (context as Partial<FieldAccessContext> | undefined)?.fieldAccess;
  if (!access) throw new Error('The GraphQL context carries no field access: ApiModule builds one per request.');
  return access;
}

/** How a restricted field finds its record's owner from the object that holds it. */
export type OwnerOf<P> = (parent: P, access: RequestFieldAccess) => RecordOwner | Promise<RecordOwner>;

/**
 * A field of class personal, sensitive or staff (ADR 0014): nullable in the schema, and null for a caller who may not
 * see that class in the record `ownerOf` names. A sealed value is answered opened, and null once its owner was erased.
 */
export function RestrictedField<P>(
  type: ReturnTypeFunc,
  fieldClass: RestrictedClass,
  ownerOf: OwnerOf<P>,
  options: { readonly description?: string } = {},
): PropertyDecorator {
  const middleware: FieldMiddleware<P> = async ({ source, context }, next) => {
    const access = accessOf(context);
    if (!(await access.maySee(fieldClass, () => ownerOf(source, access)))) return null;
    const value: unknown = await next();
    if (!isSealed(value)) return value;
    const opened = await access.open(value);
    return isErased(opened) ? null : opened;
  };
  return applyDecorators(
    Field(type, { ...options, nullable: true, middleware: [middleware] }),
    Extensions({ [FIELD_CLASS_EXTENSION]: fieldClass }),
  ) as PropertyDecorator;
}

/** The owner of a record that names its association. */
export const ownedByItsAssociation = (record: { readonly associationId: string | null }): RecordOwner => ({ associationId: record.associationId });

const HANDED_DOWN = new WeakMap<object, RecordOwner>();

/**
 * Middleware for a field whose value is records nested in a parent (a cycle's scorers, an account's payments): each
 * is owned as the parent is, so its restricted fields can use `ownerHandedDown`.
 */
export function handsDownOwner<P>(ownerOf: (parent: P) => RecordOwner): FieldMiddleware<P> {
  return async ({ source }, next) => {
    const value: unknown = await next();
    const owner = ownerOf(source);
    for (const child of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (child !== null && typeof child === 'object') HANDED_DOWN.set(child, owner);
    }
    return value;
  };
}

/** The owner a nested record was handed by its parent's field; none (so only the AUDITOR sees) when it was not. */
export const ownerHandedDown = (record: object): RecordOwner => HANDED_DOWN.get(record) ?? {};

/**
 * A JSON field holding an event's payload, or a list of them (a read model's copy of one): shown with the fields the
 * declaration of its event type classes personal, sensitive or staff null where the caller may not see them, sealed
 * ones opened (`{ erased: true }` once erased), the rest as recorded. `eventType` is the type, or a function of the parent for a history's own events.
 */
export function RedactedPayload<P>(
  type: ReturnTypeFunc,
  eventType: string | ((parent: P) => string),
  ownerOf: (parent: P, payload: unknown) => RecordOwner,
  options: { readonly description?: string; readonly nullable?: boolean } = {},
): PropertyDecorator {
  const middleware: FieldMiddleware<P> = async ({ source, context }, next) => {
    const value: unknown = await next();
    if (value === null || value === undefined) return value;
    const classes = EVENT_FIELD_CLASSES[typeof eventType === 'string' ? eventType : eventType(source)];
    const access = accessOf(context);
    const redact = async (payload: unknown) =>
      access.openPayload(redactData(payload, classes, await access.visibleClasses(classesToDecide(payload, classes), () => ownerOf(source, payload))), classes);
    return Array.isArray(value) ? Promise.all(value.map(redact)) : redact(value);
  };
  return applyDecorators(
    Field(type, { ...options, middleware: [middleware] }),
    Extensions({ [REDACTED_AS_EXTENSION]: typeof eventType === 'string' ? eventType : '*' }),
  ) as PropertyDecorator;
}

import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { EventSourcedCommands } from '#application';
import { awardEntryStreamId, evolveAwardEntry, initialAwardEntryState } from '#domain/awards';
import { creditCycleStreamId, evolveCreditCycle, initialCreditCycleState } from '#domain/credit';
import { ExpertQueries } from '#projections';
import { type Actor, InvalidInput, normaliseCreditCode } from '#domain/shared';
import { ForbiddenError, UnauthenticatedError } from '#platform';

const SCOPE_KEY = 'register:access-scope';

/**
 * Where an operation's scope is in its raw GraphQL arguments, as dotted paths (`input.associationId`). Each role is
 * held to the part that concerns it; a role the scope does not name (AUDITOR, TENDER) is not narrowed.
 */
export interface ScopeArguments {
  /** The association the operation is about: an ADMIN's token must name it. */
  readonly association?: string;
  /** The association may be left out (null): the operation then means the admin's own. */
  readonly associationOptional?: boolean;
  /** The firm (a credit code, or a list of them): a MEMBER's token must name it (each of them). */
  readonly firm?: string;
  /** A MEMBER's token must name `association` as well (its dues statement is its association's). */
  readonly memberInAssociation?: boolean;
  /** The cycle of `association`: an EXPERT must be one of its assigned scorers. */
  readonly cycle?: string;
  /** The award entry of `association` (its edition and entry paths): an EXPERT must be on one of its panels. */
  readonly awardEntry?: { readonly edition: string; readonly entry: string };
  /** The expert id of `association`'s pool: an EXPERT must be that expert (their own record), found or not. */
  readonly ownExpert?: string;
}

/** The operation is about the association, firm or cycle at these argument paths (layer 2 of ADR 0014). */
export const ScopedTo = (scope: ScopeArguments) => SetMetadata(SCOPE_KEY, scope);

/**
 * The operation is about nothing one association or firm owns (public profiles, national enterprise facts whose
 * changes the enterprise decider judges, ratings as tender systems read them): its roles alone decide.
 */
export const Unscoped = () => SetMetadata(SCOPE_KEY, {} satisfies ScopeArguments);

/** The steps of each dotted path, split once (the declared paths are a few dozen constants). */
const stepsOf = new Map<string, readonly string[]>();

/** The value at a dotted path of the raw arguments; undefined when any step is missing. */
function argumentAt(args: unknown, path: string): unknown {
  let steps = stepsOf.get(path);
  if (steps === undefined) stepsOf.set(path, (steps = path.split('.')));
  let value = args;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** Whether the expert is an assigned scorer of the cycle, from the cycle's own stream (exact right after an assignment). */
@Injectable()
export class ScorerAssignments {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly experts: ExpertQueries,
  ) {}

  /**
   * The expert id an EXPERT token's user signs in as in the association's pool, if they are on one of the award
   * entry's panels (drawn or as a replacement, recused or not), read from the entry's own stream; else null.
   */
  async awardPanelExpert(associationId: string, editionId: string, entryId: string, userId: string): Promise<string | null> {
    let streamId: string;
    try {
      streamId = awardEntryStreamId(associationId, editionId, entryId);
    } catch (error) {
      if (error instanceof InvalidInput) return null;
      throw error;
    }
    const expert = await this.experts.byUser(associationId, userId);
    if (!expert) return null;
    const entry = await this.commands.stateOf(streamId, { initialState: initialAwardEntryState, evolve: evolveAwardEntry });
    const onPanel = Object.values(entry.panels).some((p) => p.draws.some((d) => d.panel.includes(expert.expertId)));
    return onPanel ? expert.expertId : null;
  }

  /** The expert id the user signs in as in the association's pool, or null. */
  async ownExpertId(associationId: string, userId: string): Promise<string | null> {
    return (await this.experts.byUser(associationId, userId))?.expertId ?? null;
  }

  async isAssigned(associationId: string, cycleId: string, scorerId: string): Promise<boolean> {
    let streamId: string;
    try {
      streamId = creditCycleStreamId(associationId, cycleId);
    } catch (error) {
      // Parts no stream can be named by name no cycle anyone is assigned to.
      if (error instanceof InvalidInput) return false;
      throw error;
    }
    const cycle = await this.commands.stateOf(streamId, { initialState: initialCreditCycleState, evolve: evolveCreditCycle });
    return cycle.status !== 'none' && cycle.scorers.some((s) => s.scorerId === scorerId);
  }
}

/**
 * Global guard after AuthGuard (which has checked the token and the role): holds the caller to the scope the
 * operation declares, read from the raw arguments. Guards run before pipes, so a scope that does not match is
 * FORBIDDEN whatever else is wrong with the input, and the answer names nothing of another association's records.
 * Fail-closed: a query or mutation that declares no scope (neither @ScopedTo nor @Unscoped) is refused.
 */
@Injectable()
export class AccessScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly assignments: ScorerAssignments,
  ) {}

  /** Each handler's declared scope (null: none), by class and handler: decorators are fixed once the app is built. */
  private readonly scopes = new WeakMap<object, WeakMap<object, ScopeArguments | null>>();

  private scopeOf(context: ExecutionContext): ScopeArguments | null {
    const handler = context.getHandler();
    const owner = context.getClass();
    let byHandler = this.scopes.get(owner);
    if (!byHandler) this.scopes.set(owner, (byHandler = new WeakMap()));
    let scope = byHandler.get(handler);
    if (scope === undefined) {
      scope = this.reflector.getAllAndOverride<ScopeArguments | undefined>(SCOPE_KEY, [handler, owner]) ?? null;
      byHandler.set(handler, scope);
    }
    return scope;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const scope = this.scopeOf(context);
    if (!scope) throw new ForbiddenError('This operation declares no access scope, so nobody may call it.');
    const actor = gql.getContext<{ req: { actor?: Actor } }>().req.actor;
    if (!actor) throw new UnauthenticatedError('Sign in first.');
    const args = gql.getArgs<Record<string, unknown>>();
    const association = scope.association === undefined ? undefined : argumentAt(args, scope.association);
    switch (actor.role) {
      case 'ADMIN':
        if (scope.association !== undefined && !(scope.associationOptional && association == null) && !this.names(actor.associationId, association)) {
          throw new ForbiddenError(`An admin of ${actor.associationId ?? 'no association'} acts only for that association.`);
        }
        return true;
      case 'MEMBER':
        if (scope.firm !== undefined && !this.ownFirm(actor, argumentAt(args, scope.firm))) {
          throw new ForbiddenError("A member acts only for its own firm's records.");
        }
        if (scope.memberInAssociation && !this.names(actor.associationId, association)) {
          throw new ForbiddenError("A member reads only its own association's records.");
        }
        return true;
      case 'EXPERT':
        if (scope.cycle !== undefined) {
          const cycle = argumentAt(args, scope.cycle);
          const assigned =
            typeof association === 'string' && typeof cycle === 'string' && (await this.assignments.isAssigned(association, cycle, actor.userId));
          if (!assigned) throw new ForbiddenError(`${actor.userId} is not assigned to score this cycle.`);
        }
        if (scope.ownExpert !== undefined) {
          const expertId = argumentAt(args, scope.ownExpert);
          const own =
            typeof association === 'string' &&
            typeof expertId === 'string' &&
            (actor.associationId == null || actor.associationId === association) &&
            (await this.assignments.ownExpertId(association, actor.userId)) === expertId;
          if (!own) throw new ForbiddenError('An expert reads only their own record and history.');
        }
        if (scope.awardEntry !== undefined) {
          const edition = argumentAt(args, scope.awardEntry.edition);
          const entry = argumentAt(args, scope.awardEntry.entry);
          const onPanel =
            typeof association === 'string' &&
            typeof edition === 'string' &&
            typeof entry === 'string' &&
            (await this.assignments.awardPanelExpert(association, edition, entry, actor.userId)) !== null;
          if (!onPanel) throw new ForbiddenError(`${actor.userId} is not on a panel of this award entry.`);
        }
        return true;
      default:
        return true;
    }
  }

  private names(own: string | null | undefined, asked: unknown): boolean {
    return typeof own === 'string' && own === asked;
  }

  /** A scope value that is not even a string (or a list of them) is no firm's. */
  private ownFirm(actor: Actor, asked: unknown): boolean {
    const own = actor.enterpriseCode;
    if (typeof own !== 'string') return false;
    const codes = Array.isArray(asked) ? (asked as unknown[]) : [asked];
    return codes.every((code) => typeof code === 'string' && normaliseCreditCode(code) === normaliseCreditCode(own));
  }
}

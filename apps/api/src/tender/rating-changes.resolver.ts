import { Args, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { type Actor, type FieldError, InvalidInput } from '#domain/shared';
import { CurrentActor, ForbiddenError, Roles } from '#platform';
import { positionOfRatingChangeCursor, ratingChangeCodes, RatingChangeQueries, type RatingChangeView } from '#projections';
import { ScopedTo } from '../graphql/access-scope.guard.js';
import { RatingChangeFeed } from './rating-change-feed.js';
import { RatingChange, RatingChangeConnection } from './rating-changes.types.js';

/** Page size of `ratingChanges`: at most 200 (a full page of every field stays well inside the cost limit). */
const MAX_PAGE = 200;

/** Tender systems and auditors follow every association's ratings; an admin its own association's. */
const FEED_ROLES = ['TENDER', 'AUDITOR', 'ADMIN'] as const;
/** Roles some subscription admits: a WebSocket connection of any other role is refused at connect. */
export const SUBSCRIPTION_ROLES: readonly (typeof FEED_ROLES)[number][] = FEED_ROLES;

const CODES_DESCRIPTION =
  'Only changes of these subjects (1 to 500 unified social credit codes or register ids): "what changed since my cursor" for a list of bidders.';
const ASSOCIATION_DESCRIPTION = "Only ratings of this association. An admin reads its own association's, and that is the default for an admin.";

/** The association an actor's feed is narrowed to: an admin's own (the scope guard refused any other), else as asked. */
function associationOf(actor: Actor, asked: string | null): string | null {
  if (actor.role !== 'ADMIN') return asked;
  const own = asked ?? actor.associationId ?? null;
  if (own === null) throw new ForbiddenError('An admin without an association may not read rating changes.');
  return own;
}

@Resolver()
export class RatingChangesResolver {
  constructor(
    private readonly queries: RatingChangeQueries,
    private readonly feed: RatingChangeFeed,
  ) {}

  @Query(() => RatingChangeConnection, {
    description:
      'Every change of a credit rating (issued, downgraded, suspended, reinstated, revoked, expired, confirmed) in the store’s global order, oldest first. ' +
      'Store the cursor of the last change you handled and send it as `after` next time: a change is never skipped and never repeated, also across restarts ' +
      'and while changes are being recorded. Public rating data only; a person is named by register id.',
  })
  @Roles(...FEED_ROLES)
  @ScopedTo({ association: 'associationId', associationOptional: true })
  async ratingChanges(
    @Args('after', { type: () => String, nullable: true, description: 'Cursor of the last change handled; none: from the first change.' }) after: string | null,
    @Args('first', { type: () => Int, defaultValue: 100, description: `Page size, 1..${MAX_PAGE}.` }) first: number,
    @Args('codes', { type: () => [String], nullable: true, description: CODES_DESCRIPTION }) codes: string[] | null,
    @Args('associationId', { type: () => String, nullable: true, description: ASSOCIATION_DESCRIPTION }) associationId: string | null,
    @CurrentActor() actor: Actor,
  ): Promise<RatingChangeConnection> {
    const association = associationOf(actor, associationId);
    const errors: FieldError[] = [];
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) errors.push({ field: 'first', message: `must be 1 to ${MAX_PAGE}.` });
    const position = cursorPosition(after, errors);
    const subjects = ratingChangeCodes(codes, errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    const page = await this.queries.page(position, { first, codes: subjects, associationId: association });
    const edges = page.changes.map((node) => ({ cursor: node.cursor, node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasMore,
        hasPreviousPage: position !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: page.totalCount,
    };
  }

  @Subscription(() => RatingChange, {
    description:
      'The rating changes after `after` (none: from the first), then each change as it is recorded, over graphql-ws at /graphql ' +
      '(connection parameter `authorization`: "Bearer <token>"). The same changes and cursors as `ratingChanges`: after a disconnect, ' +
      'subscribe again with the cursor of the last change handled.',
    resolve: (change: RatingChangeView) => change,
  })
  @Roles(...FEED_ROLES)
  @ScopedTo({ association: 'associationId', associationOptional: true })
  ratingChanged(
    @Args('after', { type: () => String, nullable: true, description: 'Cursor of the last change handled; none: from the first change.' }) after: string | null,
    @Args('codes', { type: () => [String], nullable: true, description: CODES_DESCRIPTION }) codes: string[] | null,
    @Args('associationId', { type: () => String, nullable: true, description: ASSOCIATION_DESCRIPTION }) associationId: string | null,
    @CurrentActor() actor: Actor,
  ): AsyncIterableIterator<RatingChangeView> {
    const association = associationOf(actor, associationId);
    const errors: FieldError[] = [];
    cursorPosition(after, errors);
    const subjects = ratingChangeCodes(codes, errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return this.feed.follow(after, { codes: subjects, associationId: association });
  }
}

function cursorPosition(after: string | null, errors: FieldError[]): string | null {
  try {
    return positionOfRatingChangeCursor(after);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    errors.push(...error.fieldErrors);
    return null;
  }
}

import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Seal } from '#eventstore';
import { Roles } from '#platform';
import { decodeCursor, encodeCursor } from '#projections';
import { Unscoped } from '../graphql/access-scope.guard.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { AuditSeal, AuditSealConnection } from './seals.types.js';

function sealOf(seal: Seal): AuditSeal {
  return { ...seal, sealedAt: new Date(seal.sealedAt) };
}

/** The seals of the whole log: they belong to no association, so the auditor reads them all and nobody else any. */
@Resolver(() => AuditSeal)
export class SealsResolver {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  @Query(() => AuditSealConnection, { description: 'The signed seals of the event log, oldest first. Auditors only.' })
  @Roles('AUDITOR')
  @Unscoped()
  async auditSeals(@Args() { first, after }: PageArgs): Promise<Connection<AuditSeal>> {
    const cursor = decodeCursor(after, 1);
    const from = cursor === null ? 0 : Number(cursor[0]);
    const [records, latest] = await Promise.all([this.runtime.seals.list({ after: from, first: first + 1 }), this.runtime.seals.latest()]);
    const edges = records.slice(0, first).map((r) => ({ cursor: encodeCursor([r.seal.sequence]), node: sealOf(r.seal) }));
    return {
      edges,
      totalCount: latest?.seal.sequence ?? 0,
      pageInfo: { hasNextPage: records.length > first, hasPreviousPage: from > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }
}

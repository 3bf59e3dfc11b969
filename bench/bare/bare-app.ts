/**
 * The framework ceiling: a bare NestJS + Apollo app (the product's versions and driver settings, code-first)
 * whose mutation and queries return constants. Same operation names and response shapes as the product's
 * `registerEnterprise`, `enterprise(code:)` and `creditRatingsAsOf(subjectIds:, asOf:)`, no auth, no
 * validation, no database.
 *
 *   node dist/bench/bare/bare-app.js       prints `READY {"url"}`; stops on SIGTERM
 */
import 'reflect-metadata';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLISODateTime, GraphQLModule, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';

@ObjectType('Enterprise')
class BareEnterprise {
  @Field() code!: string;
  @Field() name!: string;
  @Field() regionCode!: string;
  @Field() ownership!: string;
  @Field({ nullable: true }) sizeClass?: string;
}

@ObjectType('EnterprisePayload')
class BarePayload {
  @Field(() => Int) revision!: number;
  @Field() readModelCurrent!: boolean;
  @Field(() => BareEnterprise) enterprise!: BareEnterprise;
}

@InputType('RegisterEnterpriseInput')
class BareRegisterInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field() legalRepresentative!: string;
  @Field() regionCode!: string;
  @Field() ownership!: string;
  @Field({ nullable: true }) sizeClass?: string;
}

@ObjectType('CreditRatingView')
class BareRating {
  @Field() associationId!: string;
  @Field() cycleId!: string;
  @Field() subjectId!: string;
  @Field() grade!: string;
  @Field() status!: string;
  @Field() inForce!: boolean;
  @Field() certificateNumber!: string;
  @Field() validFrom!: string;
  @Field() validTo!: string;
  @Field() effectiveFrom!: string;
  @Field(() => GraphQLISODateTime) recordedAt!: Date;
  @Field() changedBy!: string;
  @Field(() => String, { nullable: true }) recordId!: string | null;
  @Field(() => String, { nullable: true }) rule!: string | null;
  @Field() rulebookId!: string;
  @Field(() => Int) rulebookVersion!: number;
}

@ObjectType('SubjectRatings')
class BareSubjectRatings {
  @Field() subjectId!: string;
  @Field(() => GraphQLISODateTime) asOf!: Date;
  @Field(() => [BareRating]) ratings!: BareRating[];
}

const RATING: BareRating = {
  associationId: 'bench-assoc',
  cycleId: 'bench-cycle',
  subjectId: '91420100177678329F',
  grade: 'AA',
  status: 'ACTIVE',
  inForce: true,
  certificateNumber: 'BENCH-XY-0001',
  validFrom: '2026-11-12',
  validTo: '2029-11-11',
  effectiveFrom: '2026-11-12',
  recordedAt: new Date('2026-11-22T02:00:00.000Z'),
  changedBy: 'CreditRatingIssued',
  recordId: null,
  rule: null,
  rulebookId: 'bench-rulebook',
  rulebookVersion: 1,
};

const CONSTANT: BareEnterprise = { code: '91420100177678329F', name: '武汉市建设工程有限公司', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'SMALL' };

@Resolver()
class BareResolver {
  @Query(() => BareEnterprise)
  enterprise(@Args('code') _code: string): BareEnterprise {
    return CONSTANT;
  }

  /** One constant rating per subject asked for: the response has the product's shape and size. */
  @Query(() => [BareSubjectRatings])
  creditRatingsAsOf(
    @Args('subjectIds', { type: () => [String] }) subjectIds: string[],
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf: Date | null,
  ): BareSubjectRatings[] {
    const at = asOf ?? new Date();
    return subjectIds.map((subjectId) => ({ subjectId, asOf: at, ratings: [RATING] }));
  }

  @Mutation(() => BarePayload)
  registerEnterprise(@Args('input') _input: BareRegisterInput): BarePayload {
    return { revision: 0, readModelCurrent: true, enterprise: CONSTANT };
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: false,
      playground: false,
      introspection: true,
      includeStacktraceInErrorResponses: false,
      // As the product: Apollo's per-field cache-control hook off.
      plugins: [ApolloServerPluginCacheControlDisabled()],
    }),
  ],
  providers: [BareResolver],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

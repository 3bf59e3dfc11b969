/**
 * The framework ceiling: a bare NestJS + Apollo app (the product's versions and driver settings, code-first)
 * whose mutation and query return constants. Same operation names and response shapes as the product's
 * `registerEnterprise` and `enterprise(code:)`, no auth, no validation, no database.
 *
 *   node dist/bench/bare/bare-app.js       prints `READY {"url"}`; stops on SIGTERM
 */
import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLModule, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';

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

const CONSTANT: BareEnterprise = { code: '91420100177678329F', name: '武汉市建设工程有限公司', regionCode: '420102', ownership: 'PRIVATE', sizeClass: 'SMALL' };

@Resolver()
class BareResolver {
  @Query(() => BareEnterprise)
  enterprise(@Args('code') _code: string): BareEnterprise {
    return CONSTANT;
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

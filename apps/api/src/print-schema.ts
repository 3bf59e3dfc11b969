#!/usr/bin/env node
import 'reflect-metadata';
import { RESOLVERS } from './app.module.js';
import { buildSchemaSdl } from './graphql/schema-printer.js';

/** Prints the GraphQL schema (SDL) built from the code: `npm run schema:print` writes apps/api/schema.gql from it. */
process.stdout.write(await buildSchemaSdl(RESOLVERS));

import type { Provider } from '@nestjs/common';
import { ARREARS_READER, UnavailableArrearsReader } from './arrears.js';
import { AssociationResolver } from './association.resolver.js';
import { MembershipCommandService } from './membership.command-service.js';
import { MembershipReadModel } from './membership.read-model.js';
import { MembershipResolver } from './membership.resolver.js';

/** The membership context's resolvers, read models and services, for the API module. */
export const MEMBERSHIP_RESOLVERS = [AssociationResolver, MembershipResolver];
export const MEMBERSHIP_READ_MODELS = [MembershipReadModel];

/**
 * Services of the membership context. The arrears reader here refuses deemed withdrawal with a clear
 * message until the dues context's reader is provided under `ARREARS_READER` in its place.
 */
export const MEMBERSHIP_PROVIDERS: Provider[] = [MembershipCommandService, { provide: ARREARS_READER, useClass: UnavailableArrearsReader }];

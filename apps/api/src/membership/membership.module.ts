import { AssociationResolver } from './association.resolver.js';
import { MembershipResolver } from './membership.resolver.js';

/** The membership context's resolvers, for the API module (its commands are on the CommandBus, its reads `MembershipQueries`). */
export const MEMBERSHIP_RESOLVERS = [AssociationResolver, MembershipResolver];

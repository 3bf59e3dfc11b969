import type { Provider } from '@nestjs/common';
import { DuesArrearsReader } from '../dues/arrears.reader.js';
import { ARREARS_READER } from './arrears.js';
import { AssociationResolver } from './association.resolver.js';
import { MembershipCommandService } from './membership.command-service.js';
import { MembershipResolver } from './membership.resolver.js';

/** The membership context's resolvers and services, for the API module (its reads are `MembershipQueries`). */
export const MEMBERSHIP_RESOLVERS = [AssociationResolver, MembershipResolver];

/** Services of the membership context; deemed withdrawal reads unpaid years from the dues accounts. */
export const MEMBERSHIP_PROVIDERS: Provider[] = [MembershipCommandService, { provide: ARREARS_READER, useExisting: DuesArrearsReader }];

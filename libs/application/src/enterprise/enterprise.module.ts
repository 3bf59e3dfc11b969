import { Module } from '@nestjs/common';
import { CreditQueries, MembershipQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { EnterpriseHandler } from './commands/enterprise.handler.js';
import { EnterpriseFacts } from './enterprise.facts.js';

/** The enterprise register (企业库): registration, profile, qualifications and size class of each firm. */
@Module({
  imports: [CommandsModule],
  providers: [EnterpriseFacts, MembershipQueries, CreditQueries, EnterpriseHandler],
})
export class EnterpriseModule {}

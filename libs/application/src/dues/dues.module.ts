import { Module } from '@nestjs/common';
import { DuesQueries, EnterpriseQueries, MembershipQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { AdoptFeeScheduleHandler, AdoptWaiverPolicyHandler } from './commands/adopt-dues-rules.handler.js';
import { DuesAccountHandler } from './commands/dues-account.handler.js';
import { ApplyWaiverPolicyHandler, InvoiceDuesYearHandler } from './commands/dues-bulk.handler.js';
import { RecordDuesPaymentHandler } from './commands/record-dues-payment.handler.js';
import { DuesFacts } from './dues.facts.js';

/** Dues (会费): fee schedules, accounts, payments with their receipts, waivers and waiver policies. */
@Module({
  imports: [CommandsModule],
  providers: [
    DuesFacts,
    DuesQueries,
    EnterpriseQueries,
    MembershipQueries,
    AdoptFeeScheduleHandler,
    AdoptWaiverPolicyHandler,
    DuesAccountHandler,
    RecordDuesPaymentHandler,
    InvoiceDuesYearHandler,
    ApplyWaiverPolicyHandler,
  ],
  exports: [DuesFacts],
})
export class DuesModule {}

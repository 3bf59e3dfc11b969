import { Module } from '@nestjs/common';
import { CreditQueries, MembershipQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { CreditApplicationHandler, IssueCreditRatingHandler } from './commands/credit-application.handler.js';
import { RecordCreditConductHandler, ShortenCreditConductDisclosureHandler } from './commands/credit-conduct.handler.js';
import { CompleteCreditReviewsHandler, IssueCreditRatingsHandler, RecordCreditExpiriesHandler, StartCreditNoticesHandler } from './commands/credit-cycle-bulk.handler.js';
import { FileCreditApplicationsHandler, ScoreCreditApplicationsHandler } from './commands/credit-listed-bulk.handler.js';
import { CreditCycleHandler, CreditRulebookHandler, OpenCreditCycleHandler } from './commands/credit-rulebook-cycle.handler.js';
import { CreditExpiryJob } from './credit-expiry.job.js';
import { CreditExpertHistory } from './credit-expert-history.js';
import { CreditFacts } from './credit.facts.js';

/** Credit evaluation (信用评价): rulebooks, cycles, applications and their ratings, conduct records, the expiry job. */
@Module({
  imports: [CommandsModule],
  providers: [
    CreditFacts,
    CreditExpertHistory,
    CreditQueries,
    MembershipQueries,
    CreditRulebookHandler,
    OpenCreditCycleHandler,
    CreditCycleHandler,
    CreditApplicationHandler,
    IssueCreditRatingHandler,
    FileCreditApplicationsHandler,
    ScoreCreditApplicationsHandler,
    CompleteCreditReviewsHandler,
    StartCreditNoticesHandler,
    IssueCreditRatingsHandler,
    RecordCreditExpiriesHandler,
    RecordCreditConductHandler,
    ShortenCreditConductDisclosureHandler,
    // Scheduled only where the process runs background jobs (the projector, or a single-process server).
    CreditExpiryJob,
  ],
  exports: [CreditFacts],
})
export class CreditModule {}

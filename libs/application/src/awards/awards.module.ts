import { Module } from '@nestjs/common';
import { AwardQueries, CreditQueries, ExpertQueries, MembershipQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { CreditModule } from '../credit/credit.module.js';
import { ExpertsModule } from '../experts/experts.module.js';
import { AwardEntrySubmissions } from './award-entry-submissions.js';
import { SubmitAwardEntriesHandler } from './commands/award-entries-bulk.handler.js';
import { ActOnAwardEditionHandler, DefineAwardRulebookHandler, OpenAwardEditionHandler } from './commands/award-edition.handler.js';
import { ActOnAwardEntryHandler, GrantAwardHandler, SubmitAwardEntryHandler } from './commands/award-entry.handler.js';
import { ActOnAwardPanelHandler, DrawAwardPanelHandler } from './commands/award-panel.handler.js';
import { AwardsFacts } from './awards.facts.js';

/** Awards (评优评奖, ADR 0023): rulebooks, editions and rounds, entries, panels drawn from the expert pool, scores, votes, notice, awards, revocation. */
@Module({
  imports: [CommandsModule, CreditModule, ExpertsModule],
  providers: [
    AwardsFacts,
    AwardQueries,
    CreditQueries,
    ExpertQueries,
    MembershipQueries,
    DefineAwardRulebookHandler,
    OpenAwardEditionHandler,
    ActOnAwardEditionHandler,
    AwardEntrySubmissions,
    SubmitAwardEntryHandler,
    SubmitAwardEntriesHandler,
    GrantAwardHandler,
    ActOnAwardEntryHandler,
    DrawAwardPanelHandler,
    ActOnAwardPanelHandler,
  ],
  exports: [AwardsFacts, AwardQueries],
})
export class AwardsModule {}

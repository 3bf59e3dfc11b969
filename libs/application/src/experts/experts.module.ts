import { Module } from '@nestjs/common';
import { ExpertQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { EnrolExpertHandler } from './commands/enrol-expert.handler.js';
import { ActOnExpertHandler, RecordExpertHistoryHandler } from './commands/expert.handler.js';
import { ExpertsFacts } from './experts.facts.js';

/** The expert pool (ADR 0021): enrolment of persons of the register, the pool's decisions, and the history other contexts record. */
@Module({
  imports: [CommandsModule],
  providers: [ExpertsFacts, ExpertQueries, EnrolExpertHandler, ActOnExpertHandler, RecordExpertHistoryHandler],
  exports: [ExpertsFacts, ExpertQueries],
})
export class ExpertsModule {}

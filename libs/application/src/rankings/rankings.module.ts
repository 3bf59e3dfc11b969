import { Module } from '@nestjs/common';
import { CreditQueries, EnterpriseQueries, MembershipQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import {
  ActOnRankingEditionHandler,
  ComputeRankingHandler,
  DefineRankingMethodologyHandler,
  OpenRankingEditionHandler,
} from './commands/rankings.handler.js';
import { RankingsFacts } from './rankings.facts.js';

/** Rankings and lists (榜单): methodologies, editions, figures, computation, notice, objections, publication, errata. */
@Module({
  imports: [CommandsModule],
  providers: [RankingsFacts, EnterpriseQueries, CreditQueries, MembershipQueries, DefineRankingMethodologyHandler, OpenRankingEditionHandler, ComputeRankingHandler, ActOnRankingEditionHandler],
  exports: [RankingsFacts],
})
export class RankingsModule {}

import { Module } from '@nestjs/common';
import { DuesQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { AssociationHandler } from './commands/association.handler.js';
import { RecordCouncilElectionHandler } from './commands/council-election.handler.js';
import { ApplyForMembershipHandler, MembershipHandler, RecordMembershipReminderHandler } from './commands/membership.handler.js';
import { AdmitMemberHandler, ChangeMembershipTierHandler, DeemMembershipWithdrawnHandler, EndMembershipHandler } from './commands/membership-reservations.handler.js';
import { MembershipFacts } from './membership.facts.js';

/** Membership (会员): associations and their charters, council terms and elections, each firm's membership. */
@Module({
  imports: [CommandsModule],
  providers: [
    MembershipFacts,
    DuesQueries,
    AssociationHandler,
    ApplyForMembershipHandler,
    RecordMembershipReminderHandler,
    MembershipHandler,
    AdmitMemberHandler,
    ChangeMembershipTierHandler,
    EndMembershipHandler,
    DeemMembershipWithdrawnHandler,
    RecordCouncilElectionHandler,
  ],
})
export class MembershipModule {}

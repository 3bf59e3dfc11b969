import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsModule } from './commands/commands.module.js';
import { CreditModule } from './credit/credit.module.js';
import { DuesModule } from './dues/dues.module.js';
import { EnterpriseModule } from './enterprise/enterprise.module.js';
import { MembershipModule } from './membership/membership.module.js';
import { PersonsModule } from './persons/persons.module.js';
import { ExpertsModule } from './experts/experts.module.js';
import { AwardsModule } from './awards/awards.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { SealsModule } from './seals/seals.module.js';
import { RankingsModule } from './rankings/rankings.module.js';

/**
 * The register's use cases: one handler per command on the CommandBus of @nestjs/cqrs, grouped in one module per
 * bounded context. The API and the projector both import it; the process's runtime comes from ServiceRuntimeModule.
 * (The package's EventBus, sagas and AggregateRoot are not used: the event store is the only source of events.)
 */
@Module({
  imports: [CqrsModule.forRoot(), CommandsModule, CreditModule, DuesModule, EnterpriseModule, MembershipModule, PersonsModule, PrivacyModule, SealsModule, ExpertsModule, RankingsModule, AwardsModule],
  exports: [CqrsModule, CommandsModule, PrivacyModule],
})
export class ApplicationModule {}



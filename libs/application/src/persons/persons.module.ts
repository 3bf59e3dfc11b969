import { Module } from '@nestjs/common';
import { PersonsQueries } from '#projections';
import { CommandsModule } from '../commands/commands.module.js';
import { ApprovePersonErasureHandler } from './commands/approve-person-erasure.handler.js';
import { PersonHandler } from './commands/person.handler.js';
import { RegisterPersonHandler } from './commands/register-person.handler.js';
import { PersonKeyReconciler } from './person-key-reconciler.js';
import { PersonsFacts } from './persons.facts.js';

/** The persons register (ADR 0016): registration, corrections, erasure by a second person, keys destroyed after. */
@Module({
  imports: [CommandsModule],
  providers: [PersonsFacts, PersonsQueries, RegisterPersonHandler, PersonHandler, ApprovePersonErasureHandler, PersonKeyReconciler],
  exports: [PersonsFacts, PersonKeyReconciler],
})
export class PersonsModule {}

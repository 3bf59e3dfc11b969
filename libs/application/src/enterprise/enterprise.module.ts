import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module.js';
import { EnterpriseHandler } from './commands/enterprise.handler.js';

/** The enterprise register (企业库): registration, profile, qualifications and size class of each firm. */
@Module({
  imports: [CommandsModule],
  providers: [EnterpriseHandler],
})
export class EnterpriseModule {}

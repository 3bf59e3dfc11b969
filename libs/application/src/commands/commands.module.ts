import { Module } from '@nestjs/common';
import { EventSourcedCommands } from './event-sourced-commands.js';

/** The event-sourced command path, imported by every context's module. */
@Module({ providers: [EventSourcedCommands], exports: [EventSourcedCommands] })
export class CommandsModule {}

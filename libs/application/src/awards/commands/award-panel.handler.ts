import { randomBytes } from 'node:crypto';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AwardEntryScored,
  type AwardExpertRecused,
  type AwardPanelDrawn,
  type AwardReplacementDrawn,
  awardEntryDecider,
  awardEntryStreamId,
  type DrawAwardPanel,
  type RecuseAwardExpert,
  type ScoreAwardEntry,
} from '#domain/awards';
import type { ExpertHistoryCommand } from '#domain/experts';
import type { Actor } from '#domain/shared';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { RecordExpertHistoryCommand } from '../../experts/commands/expert.handler.js';
import { AWARDS_READS, AwardsFacts } from '../awards.facts.js';

/** What the API sends for a draw: the seed is chosen here, at random, and recorded with the draw. */
export type DrawAwardPanelInput = Omit<DrawAwardPanel, 'type' | 'seed'>;
export class DrawAwardPanelCommand extends UseCase<DrawAwardPanelInput> {}
/** A recusal, with its replacement drawn from the recorded seed stream; or a panel member's score. */
export class ActOnAwardPanelCommand extends UseCase<RecuseAwardExpert | ScoreAwardEntry> {}

type PanelEvent = AwardPanelDrawn | AwardReplacementDrawn | AwardExpertRecused | AwardEntryScored;

/** Item points in hundredths as the exact decimal the expert's history records (`8750` → `87.5`). */
function pointsOf(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * The panel's commands. Each is decided on the entry's stream; then what it did is recorded on each expert's stream
 * (RecordExpertHistoryCommand): an assignment per expert drawn, a recusal, a score per rubric item. Each history
 * entry names the awards event it follows from and carries a command id derived from it, so re-sending the awards
 * command (the same command id answers the same events) records nothing twice and completes a history left short.
 */
abstract class PanelHandler {
  constructor(
    protected readonly commands: EventSourcedCommands,
    protected readonly facts: AwardsFacts,
    private readonly commandBus: CommandBus,
  ) {}

  protected async run(command: DrawAwardPanel | RecuseAwardExpert | ScoreAwardEntry, actor: Actor, commandId: string | null): Promise<DispatchResult> {
    const facts = await this.facts.forEntry(command);
    const streamId = awardEntryStreamId(command.associationId, command.editionId, command.entryId);
    const result = await this.commands.execute(awardEntryDecider(facts), streamId, { command, actor, commandId }, AWARDS_READS);
    const round = (facts.edition?.opened?.rulebook.rounds.findIndex((r) => r.code === command.roundCode) ?? -1) + 1;
    const reference = { kind: 'AWARD_ENTRY' as const, id: `${command.editionId}/${command.entryId}` };
    for (const event of result.streams.flatMap((s) => s.events) as unknown as (PanelEvent & { id: string })[]) {
      const entry = { associationId: command.associationId, reference, round, sourceEventId: event.id };
      const history: ExpertHistoryCommand[] =
        event.type === 'AwardPanelDrawn' || event.type === 'AwardReplacementDrawn'
          ? event.data.draw.panel.map((expertId) => ({ type: 'RecordExpertAssignment', ...entry, expertId }))
          : event.type === 'AwardExpertRecused'
            ? [{ type: 'RecordExpertRecusal', ...entry, expertId: event.data.expertId, reason: event.data.reason }]
            : event.data.items.map((item) => ({
                type: 'RecordExpertScore',
                ...entry,
                sourceEventId: `${event.id}:${item.code}`,
                expertId: event.data.expertId,
                criterion: item.code,
                points: pointsOf(item.points),
              }));
      for (const step of history) {
        const detail = step.type === 'RecordExpertScore' ? `:${step.criterion}` : '';
        await this.commandBus.execute(new RecordExpertHistoryCommand(step, actor, `${event.id}:${step.expertId}${detail}`));
      }
    }
    return result;
  }
}

@CommandHandler(DrawAwardPanelCommand)
export class DrawAwardPanelHandler extends PanelHandler implements ICommandHandler<DrawAwardPanelCommand, DispatchResult> {
  constructor(commands: EventSourcedCommands, facts: AwardsFacts, commandBus: CommandBus) {
    super(commands, facts, commandBus);
  }

  async execute({ input, actor, commandId }: DrawAwardPanelCommand): Promise<DispatchResult> {
    // 32 bytes from the operating system's generator: nobody chooses the seed, and the draw records it for replay. A
    // re-sent command keeps the seed it drew with, so it is answered as the same command.
    const recorded = await this.facts.seedDrawnBy(input.associationId, input.editionId, input.entryId, commandId);
    return this.run({ type: 'DrawAwardPanel', ...input, seed: recorded ?? randomBytes(32).toString('hex') }, actor, commandId);
  }
}

@CommandHandler(ActOnAwardPanelCommand)
export class ActOnAwardPanelHandler extends PanelHandler implements ICommandHandler<ActOnAwardPanelCommand, DispatchResult> {
  constructor(commands: EventSourcedCommands, facts: AwardsFacts, commandBus: CommandBus) {
    super(commands, facts, commandBus);
  }

  execute({ input, actor, commandId }: ActOnAwardPanelCommand): Promise<DispatchResult> {
    return this.run(input, actor, commandId);
  }
}

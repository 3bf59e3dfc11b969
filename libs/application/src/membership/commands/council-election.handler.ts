import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  candidateCodesOf,
  changeTierDecider,
  type CouncilElectionRequest,
  councilTermDecider,
  councilTermStreamId,
  electionRecordedAmong,
  type ElectionFollowUp,
  electionWorkflow,
  type RecordCouncilElection,
  withStoredCandidateCodes,
} from '#domain/membership';
import { runWorkflow } from '#platform';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { MEMBERSHIP_READS, MembershipFacts } from '../membership.facts.js';

export interface ElectionOutcome {
  readonly result: DispatchResult;
  readonly electionId: string | null;
  /** Memberships whose tier this call raised. */
  readonly tierChangesApplied: number;
  /** Elected firms whose tier change a decider refused (the election stands). */
  readonly tierChangesRefused: ElectionFollowUp['refused'];
}

/** A competitive election (差额选举) of one office of a council term; the elected firms then take the office's tier. */
export class RecordCouncilElectionCommand extends UseCase<CouncilElectionRequest, ElectionOutcome> {}

/**
 * Records the election on the council term's stream, then runs the election workflow on the election that decision
 * recorded (the events the command path returned): each elected firm takes the office's tier. Re-sending the same
 * command id answers with the events the election had written, so it completes a follow-up a failure interrupted.
 */
@CommandHandler(RecordCouncilElectionCommand)
export class RecordCouncilElectionHandler implements ICommandHandler<RecordCouncilElectionCommand, ElectionOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: RecordCouncilElectionCommand): Promise<ElectionOutcome> {
    const association = await this.facts.registeredAssociation(input.associationId);
    const id = commandId ?? randomUUID();
    const election = withStoredCandidateCodes(input);
    const command: RecordCouncilElection = {
      ...election,
      termRecorded: association.councilTerms.some((t) => t.termNumber === input.termNumber),
      activeMembers: await this.facts.activeMembers(input.associationId, candidateCodesOf(election)),
    };
    const streamId = councilTermStreamId(input.associationId, input.termNumber);
    const result = await this.commands.execute(councilTermDecider, streamId, { command, actor, commandId: id }, MEMBERSHIP_READS);
    const held = electionRecordedAmong(result.streams.flatMap((s) => s.events));
    if (!held) return { result, electionId: null, tierChangesApplied: 0, tierChangesRefused: [] };
    const run = await runWorkflow(electionWorkflow, held, id, (tierChange, followUpId) =>
      this.commands.executeAcross(changeTierDecider, { command: tierChange, actor, commandId: followUpId, causationId: id, correlationId: id }, MEMBERSHIP_READS),
    );
    const readModelCurrent = result.readModelCurrent && run.results.every((r) => (r as DispatchResult).readModelCurrent);
    return {
      result: { ...result, readModelCurrent },
      electionId: run.state.electionId,
      tierChangesApplied: run.results.filter((r) => !r.duplicate && r.eventCount > 0).length,
      tierChangesRefused: run.state.refused,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CreditIndicatorScored, CreditScorerAssigned } from '#domain/credit';
import type { ExpertHistoryCommand } from '#domain/experts';
import type { Actor } from '#domain/shared';
import type { CommandResult } from '#platform';
import { RecordExpertHistoryCommand } from '../experts/commands/expert.handler.js';
import type { CreditCycleFacts } from './credit.facts.js';

/** A credit cycle is scored in one round: a rescore after an upheld objection is a new score of the same round. */
const CREDIT_ROUND = 1;

type Written<E> = E & { readonly id: string };

/**
 * Credit points are whole numbers (the parse step takes integers only), so their decimal string is exact. A value that
 * is not a whole number never reaches here; refusing it loudly keeps the history from a float's rounding.
 */
function exactPoints(points: number): string {
  if (!Number.isSafeInteger(points) || points < 0) throw new Error(`Credit points ${points} are not a whole number of points.`);
  return String(points);
}

/**
 * What a credit command did, recorded on each expert-scorer's stream (RecordExpertHistoryCommand): an assignment to the
 * cycle (`CREDIT_CYCLE <cycleId>`), a score per indicator an expert scored (`CREDIT_APPLICATION <cycleId>/<subjectId>`).
 * Each entry names the credit event it follows from and carries a command id derived from it, so re-sending the credit
 * command (its command id answers the same events) records nothing twice and completes a history left short.
 */
@Injectable()
export class CreditExpertHistory {
  constructor(private readonly commandBus: CommandBus) {}

  /** After an assignment: the expert assigned to the cycle, once per credit event. */
  async recordAssignments(result: CommandResult, actor: Actor): Promise<void> {
    await this.record(
      this.events<CreditScorerAssigned>(result, 'CreditScorerAssigned').flatMap((event): ExpertHistoryCommand[] => {
        const { associationId, cycleId, expertId } = event.data;
        if (expertId == null) return [];
        return [{ type: 'RecordExpertAssignment', associationId, expertId, reference: { kind: 'CREDIT_CYCLE', id: cycleId }, round: CREDIT_ROUND, sourceEventId: event.id }];
      }),
      actor,
    );
  }

  /** The history entries of the scores a command wrote: one per indicator an expert-scorer of the cycle scored. */
  scoresOf(result: CommandResult, cycle: CreditCycleFacts | null): ExpertHistoryCommand[] {
    return this.events<CreditIndicatorScored>(result, 'CreditIndicatorScored').flatMap((event): ExpertHistoryCommand[] => {
      const { associationId, cycleId, subjectId, code, points, scorerId, body } = event.data;
      // The decider let the score through on this user's assignment for the indicator's body.
      const expertId = cycle?.scorers.find((s) => s.scorerId === scorerId && s.body === body && s.expertId != null)?.expertId;
      if (expertId == null) return [];
      const reference = { kind: 'CREDIT_APPLICATION' as const, id: `${cycleId}/${subjectId}` };
      return [{ type: 'RecordExpertScore', associationId, expertId, reference, round: CREDIT_ROUND, sourceEventId: event.id, criterion: code, points: exactPoints(points) }];
    });
  }

  /** One after the other: every entry of a run is on the same expert's stream. */
  async record(history: readonly ExpertHistoryCommand[], actor: Actor): Promise<void> {
    for (const step of history) await this.commandBus.execute(new RecordExpertHistoryCommand(step, actor, `${step.sourceEventId}:${step.expertId}`));
  }

  private events<E extends { type: string }>(result: CommandResult, type: E['type']): Written<E>[] {
    return result.streams.flatMap((s) => s.events).filter((e) => e.type === type) as unknown as Written<E>[];
  }
}

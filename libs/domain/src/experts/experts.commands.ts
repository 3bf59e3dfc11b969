import type { ExpertSpecialty, ExpertWorkReference } from './experts.events.js';

/*
 * The expert pool's commands as plain data. The pool's own (enrol, change, suspend, reinstate, retire, conflicts) are
 * an association ADMIN's; the history commands are sent by the contexts that draw and score experts (awards, credit),
 * each naming the event of theirs it follows from (`sourceEventId`), so a re-sent one records nothing twice.
 */

interface OnExpert {
  readonly associationId: string;
  readonly expertId: string;
}

/** The expert id is derived by the command layer from the association and the person (one enrolment per pool). */
export interface EnrolExpert extends OnExpert {
  readonly type: 'EnrolExpert';
  readonly personId: string;
  readonly specialties: readonly ExpertSpecialty[];
  readonly employerCode: string;
  readonly title: string;
  readonly userId?: string | null;
}
/** Only the fields given change; at least one must be. */
export interface ChangeExpertProfile extends OnExpert {
  readonly type: 'ChangeExpertProfile';
  readonly specialties?: readonly ExpertSpecialty[];
  readonly employerCode?: string;
  readonly title?: string;
  readonly userId?: string | null;
}
export interface SuspendExpert extends OnExpert {
  readonly type: 'SuspendExpert';
  readonly reason: string;
}
export interface ReinstateExpert extends OnExpert {
  readonly type: 'ReinstateExpert';
  readonly reason: string;
}
export interface RetireExpert extends OnExpert {
  readonly type: 'RetireExpert';
  readonly reason: string;
}
export interface DeclareExpertConflict extends OnExpert {
  readonly type: 'DeclareExpertConflict';
  readonly conflictId: string;
  readonly enterpriseCode: string;
  readonly reason: string;
  /** Calendar dates, inclusive. */
  readonly from: string;
  readonly to: string;
}
export interface WithdrawExpertConflict extends OnExpert {
  readonly type: 'WithdrawExpertConflict';
  readonly conflictId: string;
  readonly reason: string;
}

/** What every history command names: the work, the round and the recording context's event it follows from. */
export interface ExpertHistoryEntry extends OnExpert {
  readonly reference: ExpertWorkReference;
  /** 1 for a first review; a later round (a re-review) is a new assignment. */
  readonly round: number;
  /** The id of the recording context's event this entry follows from (e.g. the awards panel's draw). */
  readonly sourceEventId: string;
}
export interface RecordExpertAssignment extends ExpertHistoryEntry {
  readonly type: 'RecordExpertAssignment';
}
export interface RecordExpertRecusal extends ExpertHistoryEntry {
  readonly type: 'RecordExpertRecusal';
  readonly reason: string;
}
export interface RecordExpertScore extends ExpertHistoryEntry {
  readonly type: 'RecordExpertScore';
  /** The criterion scored (upper-case code), or null for an overall score. */
  readonly criterion: string | null;
  /** An exact decimal, at most two places (`87.5`): never a float. */
  readonly points: string;
}

export type ExpertHistoryCommand = RecordExpertAssignment | RecordExpertRecusal | RecordExpertScore;
export type ExpertPoolCommand = EnrolExpert | ChangeExpertProfile | SuspendExpert | ReinstateExpert | RetireExpert | DeclareExpertConflict | WithdrawExpertConflict;
export type ExpertCommand = ExpertPoolCommand | ExpertHistoryCommand;

/** What a decision on an expert needs from outside the expert's stream, loaded by the command layer. */
export interface ExpertFactsSnapshot {
  /** The person's standing in the persons register (enrolment). */
  readonly person?: 'NONE' | 'REGISTERED' | 'ERASED';
  /** Whether the employer named by the command is a registered enterprise (enrolment, a change of employer). */
  readonly employerRegistered?: boolean;
}

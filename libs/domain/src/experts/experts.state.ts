import type { ExpertEvent, ExpertProfile, ExpertStatus, ExpertWorkReference } from './experts.events.js';

/** A declared conflict: the firm the expert may not review, and for when. Withdrawn ones stay in the history. */
export interface ExpertConflict {
  readonly conflictId: string;
  readonly enterpriseCode: string;
  readonly reason: string;
  readonly from: string;
  readonly to: string;
  readonly withdrawn: boolean;
}

/** One assignment of the expert (a work and a round), and whether they recused themselves from it. */
export interface ExpertAssignmentRecord {
  readonly reference: ExpertWorkReference;
  readonly round: number;
  readonly recused: boolean;
}

export interface ExpertState {
  readonly status: 'NONE' | ExpertStatus;
  readonly associationId: string | null;
  readonly expertId: string | null;
  readonly personId: string | null;
  readonly profile: ExpertProfile | null;
  readonly conflicts: readonly ExpertConflict[];
  /** By `assignmentKey`. */
  readonly assignments: ReadonlyMap<string, ExpertAssignmentRecord>;
  /** Every recording context's event already recorded, with what it recorded (a re-sent one is recognised). */
  readonly sourceEvents: ReadonlyMap<string, string>;
}

export const initialExpertState: ExpertState = {
  status: 'NONE',
  associationId: null,
  expertId: null,
  personId: null,
  profile: null,
  conflicts: [],
  assignments: new Map(),
  sourceEvents: new Map(),
};

/** The key of an assignment: the work and the round (an entry may be reviewed again in a later round). */
export function assignmentKey(reference: ExpertWorkReference, round: number): string {
  return `${reference.kind}:${reference.id}#${round}`;
}

/**
 * The credit cycle a credit application's work belongs to (`CREDIT_APPLICATION <cycleId>/<subjectId>` is scored under
 * the assignment `CREDIT_CYCLE <cycleId>`), or null for any other work.
 */
export function creditCycleOfWork(reference: ExpertWorkReference): ExpertWorkReference | null {
  if (reference.kind !== 'CREDIT_APPLICATION') return null;
  const slash = reference.id.indexOf('/');
  return slash > 0 ? { kind: 'CREDIT_CYCLE', id: reference.id.slice(0, slash) } : null;
}

/** The assignment a score on this work counts under: the work's own, or for a credit application its cycle's. */
export function assignmentForScore(state: Pick<ExpertState, 'assignments'>, reference: ExpertWorkReference, round: number): ExpertAssignmentRecord | undefined {
  const own = state.assignments.get(assignmentKey(reference, round));
  if (own) return own;
  const cycle = creditCycleOfWork(reference);
  return cycle ? state.assignments.get(assignmentKey(cycle, round)) : undefined;
}

/** What a history event recorded, to tell a re-sent source event from a second use of its id. */
export function historyFingerprint(type: string, reference: ExpertWorkReference, round: number, detail = ''): string {
  return `${type}|${assignmentKey(reference, round)}|${detail}`;
}

/** The conflicts in force on a date: declared, not withdrawn, and the date within their period. */
export function conflictsOn(state: Pick<ExpertState, 'conflicts'>, date: string): ExpertConflict[] {
  return state.conflicts.filter((c) => !c.withdrawn && c.from <= date && date <= c.to);
}

export function evolveExpert(state: ExpertState, event: ExpertEvent): ExpertState {
  switch (event.type) {
    case 'ExpertEnrolled': {
      const { associationId, expertId, personId, specialties, employerCode, title, userId } = event.data;
      return { ...state, status: 'ACTIVE', associationId, expertId, personId, profile: { specialties, employerCode, title, userId } };
    }
    case 'ExpertProfileChanged':
      return state.profile ? { ...state, profile: { ...state.profile, ...event.data.changes } } : state;
    case 'ExpertSuspended':
      return { ...state, status: 'SUSPENDED' };
    case 'ExpertReinstated':
      return { ...state, status: 'ACTIVE' };
    case 'ExpertRetired':
      return { ...state, status: 'RETIRED' };
    case 'ExpertConflictDeclared': {
      const { conflictId, enterpriseCode, reason, from, to } = event.data;
      return { ...state, conflicts: [...state.conflicts, { conflictId, enterpriseCode, reason, from, to, withdrawn: false }] };
    }
    case 'ExpertConflictWithdrawn':
      return { ...state, conflicts: state.conflicts.map((c) => (c.conflictId === event.data.conflictId ? { ...c, withdrawn: true } : c)) };
    case 'ExpertAssigned': {
      const { reference, round, sourceEventId } = event.data;
      return {
        ...state,
        assignments: new Map(state.assignments).set(assignmentKey(reference, round), { reference, round, recused: false }),
        sourceEvents: new Map(state.sourceEvents).set(sourceEventId, historyFingerprint(event.type, reference, round)),
      };
    }
    case 'ExpertRecused': {
      const { reference, round, sourceEventId } = event.data;
      const key = assignmentKey(reference, round);
      const assignment = state.assignments.get(key);
      return {
        ...state,
        assignments: assignment ? new Map(state.assignments).set(key, { ...assignment, recused: true }) : state.assignments,
        sourceEvents: new Map(state.sourceEvents).set(sourceEventId, historyFingerprint(event.type, reference, round)),
      };
    }
    case 'ExpertScoreRecorded': {
      const { reference, round, sourceEventId, criterion, points } = event.data;
      return { ...state, sourceEvents: new Map(state.sourceEvents).set(sourceEventId, historyFingerprint(event.type, reference, round, `${criterion ?? ''}=${points}`)) };
    }
  }
}

import { type DomainEvent, normaliseCreditCode } from '../shared/index.js';
import type { RecordCouncilElection } from './council-term.commands.js';
import type { CouncilElectionHeld } from './council-term.events.js';

/** An election as it is sent, before its facts (the term's record, the candidates' memberships) are read. */
export type CouncilElectionRequest = Omit<RecordCouncilElection, 'termRecorded' | 'activeMembers'>;

const normalisedCode = (code: unknown): unknown => (typeof code === 'string' ? normaliseCreditCode(code) : code);

/**
 * The election with every candidate's code as stored, so the membership facts, the decision and the elected firms
 * the follow-up addresses name each firm alike. Malformed entries are kept for the decider to report on their field.
 */
export function withStoredCandidateCodes(election: CouncilElectionRequest): CouncilElectionRequest {
  const candidates = (Array.isArray(election.candidates) ? election.candidates : []).map((c) => ({ ...c, enterpriseCode: normalisedCode(c?.enterpriseCode) }));
  const runOff = election.runOff?.map((c) => ({ ...c, enterpriseCode: normaliseCreditCode(c.enterpriseCode) })) ?? null;
  return { ...election, candidates: candidates as RecordCouncilElection['candidates'], runOff };
}

/** The candidates whose membership the decision needs as a fact: each well-formed code once. */
export function candidateCodesOf(election: CouncilElectionRequest): string[] {
  const codes = election.candidates.map((c) => c.enterpriseCode);
  return [...new Set(codes)].filter((code): code is string => typeof code === 'string' && code.length === 18);
}

const isElectionHeld = (event: Pick<DomainEvent, 'type' | 'data'>): event is CouncilElectionHeld => event.type === ('CouncilElectionHeld' satisfies CouncilElectionHeld['type']);

/**
 * The trigger of the election's follow-up (`electionWorkflow`): the election the council-term decision recorded, among
 * the events its command wrote (a re-sent command answers with the events it had written, so a follow-up a failure
 * interrupted resumes). Null when the decision recorded none: there is nothing to follow up.
 */
export function electionRecordedAmong(events: readonly Pick<DomainEvent, 'type' | 'data'>[]): CouncilElectionHeld['data'] | null {
  return events.find(isElectionHeld)?.data ?? null;
}

import {
  type AwardEditionOpened,
  type AwardGranted,
  type AwardObjectionResolved,
  type AwardPanelDrawn,
  type AwardReplacementDrawn,
  type AwardRoundRanked,
  type EditionResult,
  rankRound,
  recomputeEditionResults,
  drawPanel,
  type PanelDrawRecord,
  PoolTooSmall,
  totalFenOf,
} from '#domain/awards';
import {
  computeGrade,
  computeReview,
  type CreditApplicationEvent,
  type CreditApplicationState,
  type CreditConductEvent,
  type CreditConductState,
  type CycleData,
  evolveCreditApplication,
  evolveCreditConduct,
  type GradeComputation,
  gradeBelow,
  initialCreditApplicationState,
  initialCreditConductState,
  ratingOf,
  upcastCreditConductEvent,
  validToFor,
} from '#domain/credit';
import {
  balanceOf,
  type DuesAccountEvent,
  type DuesAccountState,
  evolveDuesAccount,
  initialDuesAccountState,
  policyPercentFor,
  policyWaiverAmount,
  type WaiverPolicyAdopted,
} from '#domain/dues';
import {
  type AssociationEvent,
  type AssociationState,
  countCouncilElection,
  type CouncilElectionHeld,
  evolveAssociation,
  evolveMembership,
  initialAssociationState,
  initialMembershipState,
  judgeDeemedWithdrawal,
  type MembershipDeemedWithdrawn,
  type MembershipEvent,
  type MembershipState,
  TIER_OF_OFFICE,
} from '#domain/membership';
import { type DomainEvent, InvalidInput, meetsQuorum, RuleViolation } from '#domain/shared';
import {
  evolveRankingEdition,
  initialRankingEditionState,
  type RankingComputed,
  type RankingEditionEvent,
  type RankingEditionState,
  type RankingErratumIssued,
  recomputeRankingResult,
} from '#domain/rankings';
import { canonicalJson, type EventStore, type RecordedEvent } from '#eventstore';

/** The computed decisions the register can re-run from what their events recorded. */
export const DECISION_KINDS = [
  'CREDIT_GRADE',
  'CREDIT_RATING',
  'POLICY_WAIVER',
  'DEEMED_WITHDRAWAL',
  'ELECTION_RESULT',
  'RANKING_LIST',
  'AWARD_RANKING',
  'AWARD_RESULTS',
  'AWARD_GRANT',
  'PANEL_DRAW',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** One field where the recorded decision and its recomputation disagree. */
export interface DecisionDifference {
  readonly field: string;
  readonly recorded: unknown;
  readonly recomputed: unknown;
}

/** One decision re-run: it matched, it did not (with the differences), or its event does not record enough to re-run it. */
export interface DecisionCheck {
  readonly kind: DecisionKind;
  readonly outcome: 'MATCH' | 'MISMATCH' | 'NOT_RECOMPUTABLE';
  readonly streamId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly revision: number;
  readonly position: string;
  readonly associationId: string | null;
  readonly differences: readonly DecisionDifference[];
  /** Why it could not be re-run (NOT_RECOMPUTABLE), or the rule its recorded inputs refuse it by (MISMATCH). */
  readonly reason: string | null;
}

export interface DecisionTally {
  checked: number;
  matched: number;
  mismatched: number;
  notRecomputable: number;
}

export interface DecisionReplayResult {
  readonly eventsRead: number;
  readonly decisionsChecked: number;
  readonly byKind: Readonly<Record<DecisionKind, DecisionTally>>;
  /** Every mismatch and every decision that could not be re-run, in the store's global order. */
  readonly findings: readonly DecisionCheck[];
}

export interface DecisionReplayOptions {
  /** Only the decisions of this association (every stream is still read: another's events may be inputs). */
  readonly associationId?: string | null;
  /** Called after each page read, with the events read so far. */
  readonly onProgress?: (eventsRead: number) => void;
  readonly pageSize?: number;
}

type Finding = Pick<DecisionCheck, 'outcome' | 'differences' | 'reason'>;
const MATCH: Finding = { outcome: 'MATCH', differences: [], reason: null };
const notRecomputable = (reason: string): Finding => ({ outcome: 'NOT_RECOMPUTABLE', differences: [], reason });
const judged = (differences: DecisionDifference[], reason: string | null = null): Finding =>
  differences.length === 0 && reason === null ? MATCH : { outcome: 'MISMATCH', differences, reason };

/** Equal as stored values: key order does not count (jsonb reorders keys), an absent field equals only another. */
function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/** The field as a difference when the recorded and the recomputed value are not the same. */
function diff(field: string, recorded: unknown, recomputed: unknown): DecisionDifference[] {
  return same(recorded, recomputed) ? [] : [{ field, recorded: recorded ?? null, recomputed: recomputed ?? null }];
}

function diffFields<T extends object>(recorded: T, recomputed: T, fields: readonly (keyof T & string)[], prefix = ''): DecisionDifference[] {
  return fields.flatMap((f) => diff(`${prefix}${f}`, recorded[f], recomputed[f]));
}

/**
 * Decision replay ("explain this decision", domain rule 4): reads the whole store in its global order through the port,
 * folds the streams a decision's inputs come from as they stood when it was recorded, and re-runs each computed
 * decision with the domain's own pure function on what the event and its streams recorded: credit grades (the review's
 * computation from the scores, the conduct records and the cycle's pinned rulebook, overrides from the grade they
 * override, ratings from the grade and validity, downgrades from the rulebook's grade list), waivers granted by a
 * policy (from the policy, the firm's size class and the account), deemed withdrawals (from the dues accounts, the
 * reminders and the charter), council elections (from the recorded votes and the quorum), award rankings (from their
 * recorded inputs under the edition's pinned rulebook), award result lists at notice and publication (from the final
 * ranking's inputs and the recorded votes, less upheld objections), awards granted (in the list with that grade and
 * amount) and every panel draw (replayed from its recorded seed, position and pool snapshot; a replacement continues
 * the first draw's seed stream where the previous draw stopped).
 */
export class DecisionReplay {
  constructor(private readonly store: Pick<EventStore, 'readAll'>) {}

  async run(options: DecisionReplayOptions = {}): Promise<DecisionReplayResult> {
    const replay = new Replay(options.associationId ?? null);
    let after: string | null = null;
    let eventsRead = 0;
    for (;;) {
      const page = await this.store.readAll({ after, limit: options.pageSize ?? 1000 });
      for (const event of page.events) replay.take(event);
      eventsRead += page.events.length;
      options.onProgress?.(eventsRead);
      if (page.events.length === 0 || page.position === null) break;
      after = page.position;
    }
    return { eventsRead, decisionsChecked: replay.checked, byKind: replay.byKind, findings: replay.findings };
  }
}

/** The folded inputs at the current point of the global order, and the checks made so far. */
class Replay {
  readonly findings: DecisionCheck[] = [];
  readonly byKind = Object.fromEntries(DECISION_KINDS.map((k) => [k, { checked: 0, matched: 0, mismatched: 0, notRecomputable: 0 }])) as Record<
    DecisionKind,
    DecisionTally
  >;
  checked = 0;

  private readonly cycles = new Map<string, CycleData>();
  private readonly applications = new Map<string, CreditApplicationState>();
  private readonly conduct = new Map<string, CreditConductState>();
  private readonly accounts = new Map<string, DuesAccountState>();
  /** Dues account streams by association and firm, for the years in arrears. */
  private readonly accountsOfMember = new Map<string, Set<string>>();
  private readonly policies = new Map<string, WaiverPolicyAdopted['data']>();
  private readonly sizeClasses = new Map<string, string | null>();
  private readonly memberships = new Map<string, MembershipState>();
  private readonly associations = new Map<string, AssociationState>();
  private readonly rankingEditions = new Map<string, RankingEditionState>();
  /** Each award edition's events and its entries', in the global order, by `<associationId>:<editionId>`. */
  private readonly editions = new Map<string, DomainEvent[]>();
  /** Each entry's draws so far, by entry stream. */
  private readonly draws = new Map<string, (AwardPanelDrawn | AwardReplacementDrawn)['data'][]>();
  /** Streams with an event the domain could not fold, and which. */
  private readonly unfolded = new Map<string, string>();

  constructor(private readonly associationId: string | null) {}

  take(event: RecordedEvent): void {
    const data = event.data as Record<string, unknown>;
    const mine = this.associationId === null || data.associationId === this.associationId;
    switch (event.type) {
      case 'CreditCycleOpened': {
        const cycle = data as unknown as CycleData;
        this.cycles.set(`${cycle.associationId}:${cycle.cycleId}`, cycle);
        return;
      }
      case 'CreditConductRecorded':
      case 'CreditConductDisclosureShortened': {
        const upcast = upcastCreditConductEvent(event as unknown as CreditConductEvent, event.metadata.actor.associationId);
        const subject = upcast.data.subjectId;
        this.conduct.set(subject, evolveCreditConduct(this.conduct.get(subject) ?? initialCreditConductState, upcast));
        return;
      }
      case 'EnterpriseRegistered':
      case 'EnterpriseSizeClassSet':
        if ('sizeClass' in data) this.sizeClasses.set(String(data.code), (data.sizeClass as string | null) ?? null);
        return;
      case 'WaiverPolicyAdopted': {
        const policy = data as unknown as WaiverPolicyAdopted['data'];
        this.policies.set(`${policy.associationId}:${policy.policyId}`, policy);
        return;
      }
      case 'AssociationRegistered':
      case 'WaiverApproverGranted':
      case 'WaiverApproverRevoked':
      case 'CouncilTermRecorded': {
        const id = String(data.associationId);
        this.associations.set(id, evolveAssociation(this.associations.get(id) ?? initialAssociationState, event as unknown as AssociationEvent));
        return;
      }
      case 'CouncilElectionHeld':
        if (mine) this.record('ELECTION_RESULT', event, checkElection(event as unknown as CouncilElectionHeld));
        return;
    }
    if (event.streamId.startsWith('awardEdition-') || event.streamId.startsWith('awardEntry-')) {
      this.takeAward(event, mine);
      return;
    }
    if (event.type.startsWith('Credit') && typeof data.cycleId === 'string' && typeof data.subjectId === 'string' && event.streamId.startsWith('creditApplication-')) {
      const before = this.applications.get(event.streamId) ?? initialCreditApplicationState;
      if (mine) this.checkCredit(event, before);
      this.fold(event, () => this.applications.set(event.streamId, evolveCreditApplication(before, event as unknown as CreditApplicationEvent)));
    } else if (event.type.startsWith('Dues') && event.streamId.startsWith('duesAccount-')) {
      const before = this.accounts.get(event.streamId) ?? initialDuesAccountState;
      if (event.type === 'DuesWaiverGranted' && mine) this.record('POLICY_WAIVER', event, this.checkPolicyWaiver(event, before));
      this.fold(event, () => this.accounts.set(event.streamId, evolveDuesAccount(before, event as unknown as DuesAccountEvent)));
      const member = `${String(data.associationId)}:${String(data.enterpriseCode)}`;
      if (!this.accountsOfMember.has(member)) this.accountsOfMember.set(member, new Set());
      this.accountsOfMember.get(member)!.add(event.streamId);
    } else if (event.type.startsWith('Membership') && event.streamId.startsWith('membership-')) {
      const before = this.memberships.get(event.streamId) ?? initialMembershipState;
      if (event.type === 'MembershipDeemedWithdrawn' && mine) this.record('DEEMED_WITHDRAWAL', event, this.checkDeemedWithdrawal(event, before));
      this.fold(event, () => this.memberships.set(event.streamId, evolveMembership(before, event as unknown as MembershipEvent)));
    } else if (event.type.startsWith('Ranking') && event.streamId.startsWith('rankingEdition-')) {
      const before = this.rankingEditions.get(event.streamId) ?? initialRankingEditionState;
      if ((event.type === 'RankingComputed' || event.type === 'RankingErratumIssued') && mine) {
        this.record('RANKING_LIST', event, checkRankingResult(before, event as unknown as RankingComputed | RankingErratumIssued));
      }
      this.fold(event, () => this.rankingEditions.set(event.streamId, evolveRankingEdition(before, event as unknown as RankingEditionEvent)));
    }
  }

  /**
   * Folds one event into its stream's state; an event of a shape the domain cannot fold (an older one) leaves the
   * state as it was, and every later decision on that stream says so instead of being judged on a wrong state.
   */
  private fold(event: RecordedEvent, evolve: () => void): void {
    try {
      evolve();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      if (!this.unfolded.has(event.streamId)) this.unfolded.set(event.streamId, `${event.type} at revision ${event.revision} could not be folded (${error.message})`);
    }
  }

  private record(kind: DecisionKind, event: RecordedEvent, judgedFinding: Finding): void {
    const unfolded = this.unfolded.get(event.streamId);
    const finding = unfolded === undefined ? judgedFinding : notRecomputable(`an earlier event of the stream is of a shape the replay cannot fold: ${unfolded}`);
    const tally = this.byKind[kind];
    tally.checked += 1;
    this.checked += 1;
    if (finding.outcome === 'MATCH') {
      tally.matched += 1;
      return;
    }
    if (finding.outcome === 'MISMATCH') tally.mismatched += 1;
    else tally.notRecomputable += 1;
    const associationId = (event.data as { associationId?: unknown }).associationId;
    this.findings.push({
      kind,
      ...finding,
      streamId: event.streamId,
      eventId: event.id,
      eventType: event.type,
      revision: event.revision,
      position: event.position,
      associationId: typeof associationId === 'string' ? associationId : null,
    });
  }

  // ---- awards ------------------------------------------------------------------------------------------------

  private takeAward(event: RecordedEvent, mine: boolean): void {
    const data = event.data as { associationId: string; editionId: string };
    const key = `${data.associationId}:${data.editionId}`;
    const events = this.editions.get(key) ?? [];
    this.editions.set(key, events);
    const domainEvent = { type: event.type, data: event.data } as DomainEvent;
    switch (event.type) {
      case 'AwardRoundRanked':
        if (mine) this.record('AWARD_RANKING', event, checkRanking(event as unknown as AwardRoundRanked, events));
        break;
      case 'AwardNoticeStarted':
      case 'AwardResultsPublished':
        if (mine) this.record('AWARD_RESULTS', event, checkResults(event as unknown as { type: string; data: { results: EditionResult[]; totalFen: number } }, events));
        break;
      case 'AwardGranted':
        if (mine) this.record('AWARD_GRANT', event, checkGrant(event as unknown as AwardGranted, events));
        break;
      case 'AwardPanelDrawn':
      case 'AwardReplacementDrawn': {
        const drawn = event.data as unknown as AwardReplacementDrawn['data'];
        const earlier = this.draws.get(event.streamId) ?? [];
        if (mine) this.record('PANEL_DRAW', event, checkDraw(drawn, earlier.filter((d) => d.roundCode === drawn.roundCode)));
        this.draws.set(event.streamId, [...earlier, drawn]);
        break;
      }
    }
    events.push(domainEvent);
  }

  // ---- credit ------------------------------------------------------------------------------------------------

  private checkCredit(event: RecordedEvent, before: CreditApplicationState): void {
    const e = event as unknown as CreditApplicationEvent;
    const cycle = this.cycles.get(`${e.data.associationId}:${e.data.cycleId}`);
    switch (e.type) {
      case 'CreditReviewCompleted':
        return this.record('CREDIT_GRADE', event, this.checkReview(e.data, before, cycle));
      case 'CreditGradeOverridden': {
        if (before.status !== 'REVIEWED') return this.record('CREDIT_GRADE', event, notRecomputable(`the application was ${before.status}, not reviewed, when the override was recorded`));
        return this.record('CREDIT_GRADE', event, judged(diff('fromGrade', e.data.fromGrade, before.grade)));
      }
      case 'CreditRatingIssued': {
        if (!cycle) return this.record('CREDIT_RATING', event, notRecomputable(`cycle ${e.data.cycleId} is not in the store`));
        if (before.status !== 'IN_NOTICE') return this.record('CREDIT_RATING', event, notRecomputable(`the application was ${before.status}, not in notice, when the rating was issued`));
        const { rulebook } = cycle;
        return this.record(
          'CREDIT_RATING',
          event,
          judged([
            ...diff('grade', e.data.grade, before.grade),
            ...diff('validTo', e.data.validTo, validToFor(e.data.validFrom, rulebook.validityYears)),
            ...diff('rulebookId', e.data.rulebookId, rulebook.rulebookId),
            ...diff('rulebookVersion', e.data.rulebookVersion, rulebook.version),
          ]),
        );
      }
      case 'CreditRatingDowngraded': {
        if (!cycle) return this.record('CREDIT_RATING', event, notRecomputable(`cycle ${e.data.cycleId} is not in the store`));
        const rating = ratingOf(before);
        if (!rating) return this.record('CREDIT_RATING', event, notRecomputable('no rating was issued before the downgrade'));
        const { rulebook } = cycle;
        const differences = [...diff('fromGrade', e.data.fromGrade, rating.grade)];
        if (e.data.conductCode !== null) {
          const rule = rulebook.dynamicRules.find((r) => r.conductCode === e.data.conductCode);
          if (!rule || rule.action !== 'DOWNGRADE') differences.push({ field: 'rule', recorded: e.data.rule, recomputed: rule ? `${rule.conductCode} → ${rule.action}` : null });
          else differences.push(...diff('levels', e.data.levels, rule.levels ?? 1));
        }
        differences.push(...diff('toGrade', e.data.toGrade, gradeBelow(rulebook.thresholds, rating.grade, e.data.levels)));
        return this.record('CREDIT_RATING', event, judged(differences));
      }
    }
  }

  private checkReview(data: { subjectId: string; associationId: string; cycleId: string; computation?: GradeComputation }, before: CreditApplicationState, cycle: CycleData | undefined): Finding {
    const recorded = data.computation;
    if (!recorded || !Array.isArray(recorded.scores) || !Array.isArray(recorded.thresholds) || !Array.isArray(recorded.vetoes)) {
      return notRecomputable('the event records no grade computation (scores, thresholds and vetoes)');
    }
    // The recorded result must follow from the recorded inputs by the grade rule itself.
    const fromRecorded = computeGrade(recorded);
    const differences = diffFields(recorded, { ...recorded, ...fromRecorded }, ['totalPoints', 'thresholdGrade', 'grade']);
    if (!cycle) return differences.length > 0 ? judged(differences) : notRecomputable(`cycle ${data.cycleId} is not in the store: the pinned rulebook is unknown`);
    if (before.status !== 'UNDER_REVIEW') return judged(differences, `the application was ${before.status}, not under review, when the review was recorded`);
    // The recorded inputs must be the stream's scores, the subject's conduct records and the cycle's pinned rulebook.
    let recomputed: GradeComputation;
    try {
      recomputed = computeReview({
        cycle,
        scores: before.scores,
        conductRecords: [...(this.conduct.get(data.subjectId)?.records.values() ?? [])],
        associationId: data.associationId,
      });
    } catch (error) {
      if (error instanceof RuleViolation) return judged(differences, `the recorded inputs refuse the review: ${error.rule} (${error.message})`);
      throw error;
    }
    const inputs = diffFields(recorded, recomputed, ['rulebookId', 'rulebookVersion', 'scores', 'thresholds', 'vetoes']);
    const result = diffFields(recorded, recomputed, ['totalPoints', 'thresholdGrade', 'grade']);
    const seen = new Set(differences.map((d) => d.field));
    return judged([...differences, ...inputs.map((d) => ({ ...d, field: `computation.${d.field}` })), ...result.filter((d) => !seen.has(d.field))]);
  }

  // ---- dues --------------------------------------------------------------------------------------------------

  private checkPolicyWaiver(event: RecordedEvent, before: DuesAccountState): Finding {
    const d = event.data as Record<string, unknown>;
    const policy = this.policies.get(`${String(d.associationId)}:${String(d.policyId)}`);
    if (!policy) return notRecomputable(`waiver policy ${String(d.policyId)} is not in the store`);
    if (before.status !== 'invoiced') return notRecomputable('the account was not invoiced when the waiver was granted');
    if (typeof d.percent !== 'number' || typeof d.amountFen !== 'number') return notRecomputable('the event records no percent or amount');
    const code = String(d.enterpriseCode);
    const differences: DecisionDifference[] = [];
    // The percent follows from the firm's size class as the enterprise register held it; a firm it does not hold
    // can only be checked against the percents the policy gives.
    let percent = d.percent;
    if (this.sizeClasses.has(code)) percent = policyPercentFor(policy, this.sizeClasses.get(code) ?? null);
    else if (d.percent !== policy.defaultPercent && !policy.sizeClassPercents.some((s) => s.percent === d.percent)) {
      differences.push({ field: 'percent', recorded: d.percent, recomputed: [policy.defaultPercent, ...policy.sizeClassPercents.map((s) => s.percent)] });
    }
    differences.push(...diff('percent', d.percent, percent));
    const balance = balanceOf(before);
    const amountFen = policyWaiverAmount({ invoicedFen: before.invoicedFen, balanceFen: balance, percent });
    differences.push(
      ...diff('amountFen', d.amountFen, amountFen),
      ...diff('balanceAfterFen', d.balanceAfterFen, balance - amountFen),
      ...diff('year', d.year, policy.year),
      ...diff('reasonCategory', d.reasonCategory, policy.reasonCategory),
      ...diff('decision', d.decision, policy.decision),
    );
    return judged(differences);
  }

  // ---- membership ----------------------------------------------------------------------------------------------

  private checkDeemedWithdrawal(event: RecordedEvent, before: MembershipState): Finding {
    const d = event.data as Partial<MembershipDeemedWithdrawn['data']>;
    if (!Array.isArray(d.unpaidYears) || typeof d.requiredYears !== 'number' || typeof d.effectiveFrom !== 'string' || typeof d.reminderSentOn !== 'string') {
      return notRecomputable('the event records no unpaid years, required years, effective date or reminder');
    }
    const association = this.associations.get(String(d.associationId));
    if (!association || association.status !== 'registered') return notRecomputable(`association ${String(d.associationId)} is not in the store: its charter is unknown`);
    const member = before.current;
    if (!member || !('reminders' in member)) return notRecomputable('the membership was not admitted when the deemed withdrawal was recorded');
    // Years before the effective date's year still owing when the withdrawal was recorded (as the arrears reader says).
    const beforeYear = Number(d.effectiveFrom.slice(0, 4));
    const unpaid = [...(this.accountsOfMember.get(`${String(d.associationId)}:${String(d.enterpriseCode)}`) ?? [])]
      .map((id) => this.accounts.get(id)!)
      .flatMap((a) => (a.status === 'invoiced' && a.year < beforeYear && balanceOf(a) > 0 ? [a.year] : []))
      .sort((a, b) => a - b);
    const differences = [...diff('unpaidYears', d.unpaidYears, unpaid), ...diff('requiredYears', d.requiredYears, association.charter.deemedWithdrawalYears)];
    try {
      const outcome = judgeDeemedWithdrawal({ unpaidYears: unpaid, requiredYears: association.charter.deemedWithdrawalYears, reminders: member.reminders, effectiveFrom: d.effectiveFrom });
      differences.push(...diff('reminderSentOn', d.reminderSentOn, outcome.reminderSentOn), ...diff('graceDays', d.graceDays, outcome.graceDays));
      return judged(differences);
    } catch (error) {
      if (error instanceof RuleViolation) return judged(differences, `the recorded inputs refuse it: ${error.rule} (${error.message})`);
      throw error;
    }
  }
}

function checkElection(event: CouncilElectionHeld): Finding {
  const d = event.data;
  if (!Array.isArray(d.candidates) || !Array.isArray(d.elected) || typeof d.seats !== 'number') return notRecomputable('the event records no candidates, seats or elected firms');
  const differences: DecisionDifference[] = [...diff('tier', d.tier, TIER_OF_OFFICE[d.office])];
  const votes = d.decision?.votes ?? null;
  if (votes === null || !meetsQuorum(votes)) {
    differences.push({ field: 'decision.votes', recorded: votes, recomputed: 'more than half of those entitled present' });
  }
  const withRunOff = d.candidates.filter((c) => c.runOffVotes !== null);
  try {
    const count = countCouncilElection({
      candidates: d.candidates.map((c) => ({ enterpriseCode: c.enterpriseCode, votes: c.votes })),
      seats: d.seats,
      runOff: withRunOff.length === 0 ? null : withRunOff.map((c) => ({ enterpriseCode: c.enterpriseCode, votes: c.runOffVotes! })),
    });
    differences.push(...diff('elected', d.elected, count.elected), ...diff('candidates', d.candidates, count.results));
    return judged(differences);
  } catch (error) {
    if (error instanceof RuleViolation) return judged(differences, `the recorded votes elect no one: ${error.rule} (${error.message})`);
    if (error instanceof InvalidInput) return judged(differences, `the recorded run-off does not fit the count: ${error.message}`);
    throw error;
  }
}

/** At most this many entries are listed as differences of one ranking result (the count says how many differ). */
const RANKING_DIFFERENCES_SHOWN = 20;

/**
 * A ranking result (a computation, or an erratum's list) recomputed with computeRanking from the figures and
 * exclusions of its edition just before it and the evidence and tie orders it recorded; compared entry by entry.
 */
function checkRankingResult(before: RankingEditionState, event: RankingComputed | RankingErratumIssued): Finding {
  if (!before.edition) return notRecomputable('the edition was not opened before its result was recorded');
  let recomputed;
  try {
    recomputed = recomputeRankingResult(before, event);
  } catch (error) {
    if (error instanceof RuleViolation) return judged([], `the recorded inputs refuse the result: ${error.rule} (${error.message})`);
    throw error;
  }
  const recorded = event.data.result;
  const differences = [...diff('result.methodologyVersion', recorded.methodologyVersion, recomputed.methodologyVersion), ...diff('result.listedCount', recorded.listedCount, recomputed.listedCount)];
  const byCode = <T extends { enterpriseCode: string }>(rows: readonly T[]) => new Map(rows.map((r) => [r.enterpriseCode, r]));
  const entryDifferences: DecisionDifference[] = [];
  for (const [part, left, right] of [
    ['entries', byCode(recorded.entries), byCode(recomputed.entries)],
    ['exclusions', byCode(recorded.exclusions), byCode(recomputed.exclusions)],
  ] as const) {
    for (const code of new Set([...left.keys(), ...right.keys()])) entryDifferences.push(...diff(`result.${part}.${code}`, left.get(code), right.get(code)));
  }
  if (entryDifferences.length > RANKING_DIFFERENCES_SHOWN) {
    differences.push(...entryDifferences.slice(0, RANKING_DIFFERENCES_SHOWN), { field: 'result', recorded: `${entryDifferences.length} entries differ`, recomputed: null });
  } else {
    differences.push(...entryDifferences);
  }
  return judged(differences);
}

function openedOf(events: readonly DomainEvent[]): AwardEditionOpened | undefined {
  return events.find((e): e is AwardEditionOpened => e.type === 'AwardEditionOpened');
}

/** A ranking re-run from its recorded inputs under the edition's pinned rulebook. */
function checkRanking(event: AwardRoundRanked, before: readonly DomainEvent[]): Finding {
  const opened = openedOf(before);
  if (!opened) return notRecomputable('the edition was not opened before the ranking: no rulebook to rank under');
  const d = event.data;
  if (!Array.isArray(d.inputs)) return notRecomputable('the ranking records no inputs');
  const again = rankRound(opened.data.rulebook, d.roundCode, d.final, d.inputs);
  return judged([...diff('ranking', d.ranking, again.ranking), ...diff('normalisation', d.normalisation, again.normalisation)]);
}

/** The list at notice (and at publication, less the entries an upheld objection struck out) from the recorded inputs and votes. */
function checkResults(event: { type: string; data: { results: EditionResult[]; totalFen: number } }, before: readonly DomainEvent[]): Finding {
  if (!openedOf(before)) return notRecomputable('the edition was not opened before its results');
  const recomputed = recomputeEditionResults(before);
  const upheld = new Set(
    event.type === 'AwardResultsPublished'
      ? before.filter((e): e is AwardObjectionResolved => e.type === 'AwardObjectionResolved' && (e as AwardObjectionResolved).data.outcome === 'UPHELD').map((e) => e.data.entryId)
      : [],
  );
  const results = recomputed.results.filter((r) => !upheld.has(r.entryId));
  return judged([...diff('results', event.data.results, results), ...diff('totalFen', event.data.totalFen, totalFenOf(results))]);
}

/** An award is one the noticed list gives: that entry, with that grade and amount. */
function checkGrant(event: AwardGranted, before: readonly DomainEvent[]): Finding {
  if (!openedOf(before)) return notRecomputable('the edition was not opened before the award');
  const line = recomputeEditionResults(before).results.find((r) => r.entryId === event.data.entryId);
  if (!line) return judged([{ field: 'entryId', recorded: event.data.entryId, recomputed: null }], 'the recomputed result list does not hold the entry');
  return judged(diffFields(event.data, { ...event.data, category: line.category, grade: line.grade, amountFen: line.amountFen, rank: line.rank }, ['category', 'grade', 'amountFen', 'rank']));
}

/** A draw replayed from its recorded inputs; a replacement must continue the round's first draw: its seed, its pool, its position. */
function checkDraw(draw: AwardPanelDrawn['data'], earlier: readonly AwardPanelDrawn['data'][]): Finding {
  const record = draw.draw;
  if (!record || typeof record.seed !== 'string' || !Array.isArray(record.pool)) return notRecomputable('the draw records no seed or pool snapshot');
  // Compared as stored values: the store's jsonb orders keys its own way, so the domain's key-order-sensitive
  // comparison would call an honest draw read back from the store a mismatch.
  let recomputed: PanelDrawRecord | null;
  try {
    recomputed = drawPanel(record);
  } catch (error) {
    if (!(error instanceof PoolTooSmall)) throw error;
    recomputed = null;
  }
  const differences: DecisionDifference[] = (['panel', 'exclusions', 'endPosition', 'poolDigest'] as const).flatMap((field) =>
    diff(`draw.${field}`, record[field], recomputed?.[field] ?? null),
  );
  const first = earlier[0]?.draw;
  const last = earlier[earlier.length - 1]?.draw;
  if (first && last) {
    differences.push(
      ...diff('draw.seed', record.seed, first.seed),
      ...diff('draw.poolDigest', record.poolDigest, first.poolDigest),
      ...diff('draw.startPosition', record.startPosition, last.endPosition),
    );
  } else differences.push(...diff('draw.startPosition', record.startPosition, 0));
  return judged(differences, recomputed === null ? 'the recorded inputs give no panel (the pool is too small)' : null);
}

import { Injectable } from '@nestjs/common';
import { QUALIFICATION_GRADES, type QualificationGrade } from '#domain/enterprise';
import {
  candidatesOf,
  type EligibilityEvidence,
  evolveRankingEdition,
  evolveRankingMethodology,
  initialRankingEditionState,
  initialRankingMethodologyState,
  type MethodologyVersion,
  rankingEditionStreamId,
  type RankingEditionState,
  rankingMethodologyStreamId,
} from '#domain/rankings';
import { CreditQueries, EnterpriseQueries, MembershipQueries } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';

/** Projections a rankings mutation's payload reads from. */
export const RANKINGS_READS = ['rankings'];

/** The last instant of a business day in China (UTC+8): "as of the cut-off" is as the register stood at its end. */
export function endOfBusinessDay(date: string): Date {
  return new Date(`${date}T23:59:59.999+08:00`);
}

/** Best first: 特级, 一级, 二级, 三级, ungraded. */
const GRADE_ORDER = new Map(QUALIFICATION_GRADES.map((grade, i) => [grade, i]));

/**
 * The facts a rankings decision needs from outside its stream: the methodology version an edition opens on (its
 * stream), and for a computation each candidate's eligibility evidence as of the cut-off, read through the other
 * contexts' query classes: ownership and qualifications (enterprise register), the association's credit grade in
 * force on the cut-off as the register knew it then (credit), membership status on the cut-off (membership), and
 * blacklisting conduct records disclosed that day (credit conduct records).
 */
@Injectable()
export class RankingsFacts {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly enterprises: EnterpriseQueries,
    private readonly credit: CreditQueries,
    private readonly memberships: MembershipQueries,
  ) {}

  async methodology(associationId: string, methodologyId: string, version: number): Promise<MethodologyVersion | null> {
    const state = await this.commands.stateOf(rankingMethodologyStreamId(associationId, methodologyId), {
      initialState: initialRankingMethodologyState,
      evolve: evolveRankingMethodology,
    });
    return state.versions.find((v) => v.version === version) ?? null;
  }

  edition(associationId: string, editionId: string): Promise<RankingEditionState> {
    return this.commands.stateOf(rankingEditionStreamId(associationId, editionId), { initialState: initialRankingEditionState, evolve: evolveRankingEdition });
  }

  /** Each candidate's evidence as of the edition's cut-off (an edition not opened has no candidates). */
  async eligibility(edition: RankingEditionState): Promise<Map<string, EligibilityEvidence>> {
    if (!edition.edition) return new Map();
    const { associationId, cutOffDate, methodology } = edition.edition;
    const codes = candidatesOf(edition).map((c) => c.enterpriseCode);
    const cutOff = endOfBusinessDay(cutOffDate);
    const blacklistCodes = new Set(methodology.filters.blacklistConductCodes);
    const [firms, qualifications, ratings, memberships, blacklists] = await Promise.all([
      this.enterprises.byCodes(codes),
      this.enterprises.createLoaders().qualifications.loadMany(codes),
      this.credit.lookUpSubjects(codes, cutOff, false, cutOffDate),
      Promise.all(codes.map((code) => this.memberships.asOf(associationId, code, cutOff))),
      Promise.all(
        codes.map(async (code) =>
          blacklistCodes.size === 0
            ? []
            : (await this.credit.conductRecords(code, associationId, cutOffDate)).filter((r) => blacklistCodes.has(r.code) && r.occurredOn <= cutOffDate && r.recordedAt <= cutOff),
        ),
      ),
    ]);
    return new Map(
      codes.map((code, i): [string, EligibilityEvidence] => {
        const held = qualifications[i];
        const grades = (Array.isArray(held) ? held : [])
          .filter((q) => q.effectiveFrom <= cutOffDate && (q.withdrawnFrom === null || q.withdrawnFrom > cutOffDate))
          .map((q) => q.grade)
          .sort((a, b) => GRADE_ORDER.get(a)! - GRADE_ORDER.get(b)!);
        const rating = ratings[i]!.ratings.find((r) => r.associationId === associationId && r.inForce);
        return [
          code,
          {
            ownership: firms.get(code)?.ownership ?? null,
            bestQualificationGrade: (grades[0] as QualificationGrade | undefined) ?? null,
            creditGrade: rating?.grade ?? null,
            membershipStatus: memberships[i]?.status ?? null,
            blacklistRecords: blacklists[i]!.map((r) => r.recordId),
          },
        ];
      }),
    );
  }
}

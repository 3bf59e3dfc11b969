import { decisionOf } from '../graphql/decision.input.js';
import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, GraphQLISODateTime, Info, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import {
  ActOnCreditApplicationCommand,
  ActOnCreditCycleCommand,
  ActOnCreditRulebookCommand,
  type BulkOutcome,
  CompleteCreditReviewsCommand,
  type DispatchResult,
  FileCreditApplicationsCommand,
  IssueCreditRatingCommand,
  IssueCreditRatingsCommand,
  OpenCreditCycleCommand,
  RecordCreditConductCommand,
  RecordCreditExpiriesCommand,
  ScoreCreditApplicationsCommand,
  ShortenCreditConductDisclosureCommand,
  StartCreditNoticesCommand,
} from '#application';
import { type AmendCreditRulebookVersion, type CreditApplicationCommand, type DefineCreditRulebookVersion, identityCardRefusal } from '#domain/credit';
import { isPersonId } from '#domain/persons';
import { type Actor, businessDate, type FieldError, InvalidInput, NotFound } from '#domain/shared';
import { CLOCK, type Clock, CurrentActor, ForbiddenError, Roles } from '#platform';
import { CreditQueries, type CreditSubjectLookupView } from '#projections';
import { ScopedTo } from '../graphql/access-scope.guard.js';
import { AS_OF_DESCRIPTION, asOfInstant, effectiveDate } from '../graphql/as-of.js';
import { readCreditCode } from '../graphql/credit-code-input.js';
import { selects } from '../graphql/selection.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import {
  AmendCreditRulebookInput,
  AssignCreditScorerInput,
  CreditApplicationRefInput,
  CreditCycleRefInput,
  DefineCreditRulebookInput,
  FileCreditApplicationInput,
  FileCreditApplicationsInput,
  FileCreditObjectionInput,
  IssueCreditRatingInput,
  IssueCreditRatingsInput,
  OpenCreditCycleInput,
  RecordCreditConductInput,
  ReinstateCreditRatingInput,
  RequestCreditGradeOverrideInput,
  ResolveCreditObjectionInput,
  ReviewCreditRatingInput,
  ScoreCreditApplicationsInput,
  ScoreCreditIndicatorsInput,
  ShortenCreditConductDisclosureInput,
  StartCreditNoticeInput,
  StartCreditNoticesInput,
} from './credit.inputs.js';
import { CreditHistory } from './credit-history.js';
import {
  CreditApplicationConnection,
  CreditApplicationStatusEnum,
  CreditApplicationView,
  CreditBulkPayload,
  CreditCommandPayload,
  CreditConductRecordView,
  CreditCycleView,
  CreditExplanation,
  CreditHistoryStep,
  CreditRulebookView,
  SubjectRatings,
} from './credit.types.js';

const MAX_SUBJECTS_PER_LOOKUP = 500;

/** Auditors read everything; admins their association; members only their own enterprise. */
function assertMayRead(actor: Actor, associationId: string | null, subjectId: string | null): void {
  if (actor.role === 'AUDITOR') return;
  if (actor.role === 'MEMBER') {
    if (subjectId === null || actor.enterpriseCode !== subjectId) throw new ForbiddenError('A member may read only its own credit records.');
    return;
  }
  if (actor.role === 'ADMIN' && (associationId === null || actor.associationId === associationId)) return;
  throw new ForbiddenError(`A ${actor.role} may not read these credit records.`);
}

/**
 * The day whose disclosed conduct records a caller sees: today for every role but the auditor, who reads every
 * record, its disclosure ended or not (null).
 */
function disclosedOn(actor: Actor, now: Date): string | null {
  return actor.role === 'AUDITOR' ? null : businessDate(now);
}

/** A subject id of a read is refused, without echoing it, when it is an identity-card number (after the guards). */
function refuseIdentityCards(subjects: readonly { field: string; value: unknown }[]): void {
  const errors = subjects.map(({ field, value }) => identityCardRefusal(field, value)).filter((e): e is FieldError => e !== null);
  if (errors.length > 0) throw new InvalidInput(errors);
}

/** A bulk run's tally as the API reports it: refusals by subject. */
function bulkPayload({ refusals, total: _total, ...counts }: BulkOutcome): CreditBulkPayload {
  return { ...counts, refusals: refusals.map(({ key, rule, message }) => ({ subjectId: key, rule, message })) };
}

/** A look-up's answer for one subject: what the register knew, and what that makes of the code asked for. */
function subjectRatingsOf({ subjectId, code, asOf, effectiveAt, enterpriseName, ratings, inForce, registered, person }: CreditSubjectLookupView): SubjectRatings {
  // The code's own check is needed only for a subject the register knows nothing of; a well-formed register id that
  // no person holds is simply not registered.
  const unknown = !(ratings.length > 0 || registered || person);
  const reading = unknown && !isPersonId(code) ? readCreditCode(subjectId) : null;
  const invalid = reading !== null && reading.kind !== 'valid';
  return {
    subjectId,
    asOf,
    effectiveAt,
    // A person's name is personal: the persons register holds it, not a look-up.
    enterpriseName: person ? null : enterpriseName,
    ratings,
    inForce,
    code: invalid ? null : code,
    outcome: ratings.length > 0 ? 'RATED' : !unknown ? 'NOT_RATED' : invalid ? 'INVALID_CODE' : 'NOT_REGISTERED',
    invalidReason: reading !== null && reading.kind !== 'valid' ? reading.reason : null,
  };
}


@Resolver()
export class CreditResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModel: CreditQueries,
    private readonly histories: CreditHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---- queries --------------------------------------------------------------------------------------------

  @Query(() => [CreditRulebookView], { description: 'Credit rulebook versions (评价办法) of an association.' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER')
  @ScopedTo({ association: 'associationId' })
  creditRulebooks(
    @Args('associationId') associationId: string,
    @Args('rulebookId', { type: () => String, nullable: true }) rulebookId: string | null,
  ): Promise<CreditRulebookView[]> {
    return this.readModel.rulebooks(associationId, rulebookId);
  }

  @Query(() => CreditCycleView, { description: 'A credit cycle with its scorers and grade distribution.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async creditCycle(@Args('associationId') associationId: string, @Args('cycleId') cycleId: string): Promise<CreditCycleView> {
    const cycle = await this.readModel.cycle(associationId, cycleId, this.clock.now());
    if (!cycle) throw new NotFound('Credit cycle', cycleId);
    return cycle;
  }

  @Query(() => CreditApplicationConnection, { description: 'Applications of a cycle by subject, filtered by status or proposed grade.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  creditApplications(
    @Args('associationId') associationId: string,
    @Args('cycleId') cycleId: string,
    @Args('status', { type: () => CreditApplicationStatusEnum, nullable: true }) status: string | null,
    @Args('grade', { type: () => String, nullable: true }) grade: string | null,
    @Args() page: PageArgs,
  ): Promise<Connection<CreditApplicationView>> {
    return this.readModel.applications(associationId, cycleId, { status, grade }, page.first, page.after, this.clock.now());
  }

  @Query(() => CreditApplicationView, { description: 'One application and the rating it led to.' })
  @Roles('ADMIN', 'AUDITOR', 'MEMBER')
  @ScopedTo({ association: 'associationId', firm: 'subjectId' })
  async creditApplication(
    @Args('associationId') associationId: string,
    @Args('cycleId') cycleId: string,
    @Args('subjectId') subjectId: string,
  ): Promise<CreditApplicationView> {
    refuseIdentityCards([{ field: 'subjectId', value: subjectId }]);
    const found = await this.readModel.application(associationId, cycleId, subjectId, this.clock.now());
    if (!found) throw new NotFound('Credit application', `${cycleId}/${subjectId}`);
    return found;
  }

  @Query(() => [SubjectRatings], {
    description:
      'Ratings of many subjects (1 to 500) on two time axes: what the register, knowing only what it had recorded by `asOf`, says held on the business date `effectiveAt`, ' +
      'e.g. every bidder at a bid opening. A change recorded after `asOf` (a back-dated correction too) never changes the answer for that `asOf`. ' +
      'One answer per subject asked for, in that order, saying whether the code is invalid (and why), not registered, not rated, or rated, with the firm’s name.',
  })
  @Roles('ADMIN', 'AUDITOR', 'TENDER', 'MEMBER')
  @ScopedTo({ firm: 'subjectIds' })
  async creditRatingsAsOf(
    @Args('subjectIds', { type: () => [String] }) subjectIds: string[],
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true, description: AS_OF_DESCRIPTION }) asOf: Date | null,
    @Args('effectiveAt', {
      type: () => String,
      nullable: true,
      description:
        'Business date (YYYY-MM-DD, China) the ratings are asked for: the state in effect that day, status and "in force" judged on it (default: the date of `asOf` in China, today when both are left out). ' +
        'A date after `asOf` is answered from the recorded facts alone: a rating stands as recorded until its valid-to and is expired after it; a change not recorded by `asOf` is not foreseen.',
    })
    effectiveAt: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SubjectRatings[]> {
    const errors: FieldError[] = [];
    if (subjectIds.length === 0 || subjectIds.length > MAX_SUBJECTS_PER_LOOKUP) {
      errors.push({ field: 'subjectIds', message: `must list 1 to ${MAX_SUBJECTS_PER_LOOKUP} subjects.` });
    }
    const at = asOfInstant(asOf, this.clock.now(), errors);
    const day = effectiveDate(effectiveAt, at, errors);
    subjectIds.forEach((value, n) => {
      const refusal = identityCardRefusal(`subjectIds.${n}`, value);
      if (refusal) errors.push(refusal);
    });
    if (errors.length > 0) throw new InvalidInput(errors);
    return (await this.readModel.lookUpSubjects(subjectIds, at, selects(info, 'enterpriseName'), day)).map(subjectRatingsOf);
  }

  @Query(() => [CreditHistoryStep], {
    description:
      "A subject's credit history: every step in order, with actor, authority, rule version and evidence. The steps of a conduct record whose disclosure period has ended are shown to auditors only; the rating changes it caused stay.",
  })
  @Roles('ADMIN', 'AUDITOR', 'MEMBER')
  @ScopedTo({ firm: 'subjectId' })
  creditHistory(
    @Args('subjectId') subjectId: string,
    @Args('asOf', {
      type: () => GraphQLISODateTime,
      nullable: true,
      description: `${AS_OF_DESCRIPTION} Leave it out for every step recorded so far.`,
    })
    asOf: Date | null,
    @Args('effectiveAt', {
      type: () => String,
      nullable: true,
      description:
        'Business date (YYYY-MM-DD, China): only the steps in effect by that day (a step’s effectiveOn), so "what did the register, as of `asOf`, say the history was up to that day". ' +
        'Leave it out for every step recorded by `asOf`, a change dated ahead included. Disclosure periods are judged today whatever the two axes.',
    })
    effectiveAt: string | null,
    @CurrentActor() actor: Actor,
  ): Promise<CreditHistoryStep[]> {
    assertMayRead(actor, actor.role === 'ADMIN' ? actor.associationId ?? null : null, subjectId);
    const errors: FieldError[] = [];
    const identityCard = identityCardRefusal('subjectId', subjectId);
    if (identityCard) errors.push(identityCard);
    const recordedBy = asOf === null || asOf === undefined ? null : asOfInstant(asOf, this.clock.now(), errors);
    const day = effectiveAt === null || effectiveAt === undefined ? null : effectiveDate(effectiveAt, this.clock.now(), errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return this.histories.of(subjectId, actor.role === 'ADMIN' ? (actor.associationId ?? null) : null, disclosedOn(actor, this.clock.now()), {
      asOf: recordedBy,
      effectiveAt: day,
    });
  }

  @Query(() => CreditExplanation, { description: 'Why an application got its grade, with a recomputation from the recorded inputs.' })
  @Roles('ADMIN', 'AUDITOR', 'MEMBER')
  @ScopedTo({ association: 'associationId', firm: 'subjectId' })
  async creditExplanation(
    @Args('associationId') associationId: string,
    @Args('cycleId') cycleId: string,
    @Args('subjectId') subjectId: string,
  ): Promise<CreditExplanation> {
    refuseIdentityCards([{ field: 'subjectId', value: subjectId }]);
    const found = await this.readModel.explanation(associationId, cycleId, subjectId, this.clock.now());
    if (!found) throw new NotFound('Computed credit grade', `${cycleId}/${subjectId}`);
    return found;
  }

  @Query(() => [CreditConductRecordView], {
    description:
      "Conduct records (不良/良好行为) of a subject with their disclosure periods, those of one association (an admin's own, by default) or, for auditors, tender systems and the firm itself, of every association. " +
      'A record whose disclosure period has ended (disclosureUntil before today in China) is shown to auditors only. A person is named by register id.',
  })
  @Roles('ADMIN', 'AUDITOR', 'TENDER', 'MEMBER')
  @ScopedTo({ association: 'associationId', associationOptional: true, firm: 'subjectId' })
  creditConductRecords(
    @Args('subjectId') subjectId: string,
    @Args('associationId', { type: () => String, nullable: true }) associationId: string | null,
    @CurrentActor() actor: Actor,
  ): Promise<CreditConductRecordView[]> {
    // An admin reads its own association's records only (the scope guard checked a given association).
    const own = actor.role === 'ADMIN' ? (associationId ?? actor.associationId ?? null) : associationId;
    if (actor.role === 'ADMIN' && own === null) throw new ForbiddenError('An admin without an association may not read conduct records.');
    refuseIdentityCards([{ field: 'subjectId', value: subjectId }]);
    // A record whose disclosure period has ended is shown to the auditor only.
    return this.readModel.conductRecords(subjectId, own, disclosedOn(actor, this.clock.now()));
  }

  // ---- rulebooks and cycles -----------------------------------------------------------------------------------

  @Mutation(() => CreditCommandPayload, { description: 'Defines the next version of a credit rulebook.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async defineCreditRulebook(@Args('input') input: DefineCreditRulebookInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const command = { type: 'DefineCreditRulebookVersion', ...fields } as DefineCreditRulebookVersion;
    const result = await this.commandBus.execute(new ActOnCreditRulebookCommand(command, actor, commandId));
    const version = result.revision === null ? null : await this.latestVersion(fields.associationId, fields.rulebookId);
    return { ...this.base(result), rulebook: version };
  }

  @Mutation(() => CreditCommandPayload, { description: 'Replaces a rulebook version that no cycle uses yet.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async amendCreditRulebook(@Args('input') input: AmendCreditRulebookInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const command = { type: 'AmendCreditRulebookVersion', ...fields } as AmendCreditRulebookVersion;
    const result = await this.commandBus.execute(new ActOnCreditRulebookCommand(command, actor, commandId));
    return { ...this.base(result), rulebook: await this.readModel.rulebook(fields.associationId, fields.rulebookId, fields.version) };
  }

  private async latestVersion(associationId: string, rulebookId: string): Promise<CreditRulebookView | null> {
    const versions = await this.readModel.rulebooks(associationId, rulebookId);
    return versions[versions.length - 1] ?? null;
  }

  @Mutation(() => CreditCommandPayload, { description: 'Opens a cycle on a rulebook version, which is pinned and can no longer change.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async openCreditCycle(@Args('input') input: OpenCreditCycleInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new OpenCreditCycleCommand({ type: 'OpenCreditCycle', ...fields }, actor, commandId));
    return this.cyclePayload(result, fields);
  }

  @Mutation(() => CreditCommandPayload, {
    description: "Assigns a scorer for a body: an expert of the association's pool (expertId), or a staff scorer such as a department officer (scorerId, with their employer).",
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async assignCreditScorer(@Args('input') input: AssignCreditScorerInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new ActOnCreditCycleCommand({ type: 'AssignCreditScorer', ...fields }, actor, commandId));
    return this.cyclePayload(result, fields);
  }

  @Mutation(() => CreditCommandPayload, { description: 'Closes a cycle to new applications.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async closeCreditCycle(@Args('input') input: CreditCycleRefInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new ActOnCreditCycleCommand({ type: 'CloseCreditCycle', ...fields }, actor, commandId));
    return this.cyclePayload(result, fields);
  }

  // ---- applications ---------------------------------------------------------------------------------------------

  @Mutation(() => CreditCommandPayload, { description: 'Files an application with its self-assessment (an admin, or the member firm itself).' })
  @Roles('ADMIN', 'MEMBER')
  @ScopedTo({ association: 'input.associationId', firm: 'input.subjectId' })
  fileCreditApplication(@Args('input') input: FileCreditApplicationInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.onApplication({ type: 'FileCreditApplication', ...fields }, commandId, actor);
  }

  @Mutation(() => CreditBulkPayload, { description: 'Files many applications to a cycle: one command per applicant.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async fileCreditApplications(@Args('input') input: FileCreditApplicationsInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    const { commandId, associationId, cycleId, applications } = plain(input);
    return bulkPayload(await this.commandBus.execute(new FileCreditApplicationsCommand({ associationId, cycleId, applications }, actor, commandId)));
  }

  @Mutation(() => CreditCommandPayload, { description: "Records an assigned scorer's scores for one application, with evidence." })
  @Roles('EXPERT', 'ADMIN')
  @ScopedTo({ association: 'input.associationId', cycle: 'input.cycleId' })
  scoreCreditIndicators(@Args('input') input: ScoreCreditIndicatorsInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.onApplication({ type: 'ScoreCreditIndicators', ...fields }, commandId, actor);
  }

  @Mutation(() => CreditBulkPayload, { description: "Records an assigned scorer's scores for many applications of a cycle." })
  @Roles('EXPERT', 'ADMIN')
  @ScopedTo({ association: 'input.associationId', cycle: 'input.cycleId' })
  async scoreCreditApplications(@Args('input') input: ScoreCreditApplicationsInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    const { commandId, associationId, cycleId, applications } = plain(input);
    return bulkPayload(await this.commandBus.execute(new ScoreCreditApplicationsCommand({ associationId, cycleId, applications }, actor, commandId)));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Completes the review: the grade is computed from the thresholds and vetoes.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  completeCreditReview(@Args('input') input: CreditApplicationRefInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({ type: 'CompleteCreditReview', ...f }));
  }

  @Mutation(() => CreditBulkPayload, { description: 'Completes the review of every application of the cycle still under review.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async completeCreditReviews(@Args('input') input: CreditCycleRefInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    return bulkPayload(await this.commandBus.execute(new CompleteCreditReviewsCommand({ associationId: input.associationId, cycleId: input.cycleId }, actor)));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Requests a grade override on a credit-committee decision; a second person approves it.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  requestCreditGradeOverride(@Args('input') input: RequestCreditGradeOverrideInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({
      type: 'RequestCreditGradeOverride',
      ...f,
      toGrade: input.toGrade ?? null,
      reason: input.reason,
      decision: decisionOf(input.decision),
    }));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Approves a requested grade override (not by its requester).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  approveCreditGradeOverride(@Args('input') input: CreditApplicationRefInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({ type: 'ApproveCreditGradeOverride', ...f }));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Starts the public notice (公示) of a reviewed application.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  startCreditNotice(@Args('input') input: StartCreditNoticeInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({ type: 'StartCreditNotice', ...f, startsOn: input.startsOn ?? null }));
  }

  @Mutation(() => CreditBulkPayload, { description: 'Starts the public notice of every reviewed application of the cycle.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async startCreditNotices(@Args('input') input: StartCreditNoticesInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    const { associationId, cycleId } = input;
    return bulkPayload(await this.commandBus.execute(new StartCreditNoticesCommand({ associationId, cycleId, startsOn: input.startsOn ?? null }, actor)));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Records an objection (异议) filed during the notice.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  fileCreditObjection(@Args('input') input: FileCreditObjectionInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({
      type: 'FileCreditObjection',
      ...f,
      objectionId: input.objectionId,
      objector: input.objector,
      grounds: input.grounds,
      evidenceReference: input.evidenceReference ?? null,
    }));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Resolves an objection: UPHELD sends the application back to its scorers; DISMISSED with reasons.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  resolveCreditObjection(@Args('input') input: ResolveCreditObjectionInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({ type: 'ResolveCreditObjection', ...f, objectionId: input.objectionId, outcome: input.outcome, reasons: input.reasons }));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Issues the rating after the notice, with no objection open (certificate number unique).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  issueCreditRating(@Args('input') input: IssueCreditRatingInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({ type: 'IssueCreditRating', ...f, certificateNumber: input.certificateNumber, validFrom: input.validFrom ?? null }));
  }

  @Mutation(() => CreditBulkPayload, { description: 'Issues every rating of the cycle whose notice is over; a re-run writes nothing.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async issueCreditRatings(@Args('input') input: IssueCreditRatingsInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    const { associationId, cycleId, certificatePrefix } = input;
    return bulkPayload(await this.commandBus.execute(new IssueCreditRatingsCommand({ associationId, cycleId, certificatePrefix, validFrom: input.validFrom ?? null }, actor)));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Annual review of a valid rating: confirm, or downgrade by levels.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  reviewCreditRating(@Args('input') input: ReviewCreditRatingInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({
      type: 'ReviewCreditRatingAnnually',
      ...f,
      reviewYear: input.reviewYear,
      outcome: input.outcome,
      levels: input.levels ?? null,
      reason: input.reason,
    }));
  }

  @Mutation(() => CreditCommandPayload, { description: 'Lifts the suspension of a rating on a decision (e.g. after rectification).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  reinstateCreditRating(@Args('input') input: ReinstateCreditRatingInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    return this.adminOnApplication(input, actor, (f) => ({
      type: 'ReinstateCreditRating',
      ...f,
      reason: input.reason,
      decision: decisionOf(input.decision),
      effectiveFrom: input.effectiveFrom ?? null,
    }));
  }

  @Mutation(() => CreditBulkPayload, { description: 'Records the expiry of every rating of the cycle past its valid-to.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async recordCreditExpiries(@Args('input') input: CreditCycleRefInput, @CurrentActor() actor: Actor): Promise<CreditBulkPayload> {
    return bulkPayload(await this.commandBus.execute(new RecordCreditExpiriesCommand({ associationId: input.associationId, cycleId: input.cycleId }, actor)));
  }

  // ---- conduct records ---------------------------------------------------------------------------------------------

  @Mutation(() => CreditCommandPayload, {
    description: "Records an association's conduct record and applies it at once, by the dynamic rules, to every valid rating that association issued.",
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async recordCreditConduct(@Args('input') input: RecordCreditConductInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const command = { type: 'RecordCreditConduct' as const, ...fields, penaltyMonths: fields.penaltyMonths ?? null };
    const outcome = await this.commandBus.execute(new RecordCreditConductCommand(command, actor, commandId));
    const now = this.clock.now();
    return {
      ...this.base(outcome.record),
      readModelCurrent: outcome.readModelCurrent,
      conductRecord: await this.readModel.conductRecord(fields.associationId, fields.subjectId, fields.recordId, disclosedOn(actor, now)),
      changedRatings: await this.readModel.changedRatings(fields.subjectId, [...outcome.changedRatings], now),
    };
  }

  @Mutation(() => CreditCommandPayload, {
    description: 'Shortens the disclosure of an adverse record after proven rectification (never below 6 months, nor the penalty; a good record keeps its 3 years).',
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async shortenCreditConductDisclosure(@Args('input') input: ShortenCreditConductDisclosureInput, @CurrentActor() actor: Actor): Promise<CreditCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new ShortenCreditConductDisclosureCommand({ type: 'ShortenCreditConductDisclosure', ...fields }, actor, commandId));
    const conductRecord = await this.readModel.conductRecord(fields.associationId, fields.subjectId, fields.recordId, disclosedOn(actor, this.clock.now()));
    return { ...this.base(result), conductRecord };
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private adminOnApplication(
    input: CreditApplicationRefInput,
    actor: Actor,
    build: (key: { associationId: string; cycleId: string; subjectId: string }) => CreditApplicationCommand,
  ): Promise<CreditCommandPayload> {
    return this.onApplication(plain(build({ associationId: input.associationId, cycleId: input.cycleId, subjectId: input.subjectId })), input.commandId, actor);
  }

  private async onApplication(command: CreditApplicationCommand, commandId: string | null | undefined, actor: Actor): Promise<CreditCommandPayload> {
    const result = await this.commandBus.execute(
      command.type === 'IssueCreditRating' ? new IssueCreditRatingCommand(command, actor, commandId) : new ActOnCreditApplicationCommand(command, actor, commandId),
    );
    return {
      ...this.base(result),
      application: await this.readModel.application(command.associationId, command.cycleId, command.subjectId, this.clock.now()),
    };
  }

  private async cyclePayload(result: DispatchResult, key: { associationId: string; cycleId: string }): Promise<CreditCommandPayload> {
    return { ...this.base(result), cycle: await this.readModel.cycle(key.associationId, key.cycleId, this.clock.now()) };
  }

  private base(result: DispatchResult): CreditCommandPayload {
    return {
      ...payloadOf(result),
      rulebook: null,
      cycle: null,
      application: null,
      conductRecord: null,
      changedRatings: [],
    };
  }
}

export const CREDIT_PROVIDERS = [CreditHistory];
export const CREDIT_RESOLVERS = [CreditResolver];

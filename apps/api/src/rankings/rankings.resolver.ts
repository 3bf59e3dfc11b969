import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, GraphQLISODateTime, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  ActOnRankingEditionCommand,
  ComputeRankingCommand,
  DefineRankingMethodologyCommand,
  type DispatchResult,
  OpenRankingEditionCommand,
} from '#application';
import type { FigureCorrection, TieResolution } from '#domain/rankings';
import { type Actor, type FieldError, InvalidInput, NotFound } from '#domain/shared';
import { CLOCK, type Clock, CurrentActor, Roles } from '#platform';
import { type RankingEntryView, RankingsQueries, type RankingResultView } from '#projections';
import { ScopedTo, Unscoped } from '../graphql/access-scope.guard.js';
import { asOfInstant } from '../graphql/as-of.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { decisionOf } from '../graphql/decision.input.js';
import {
  ComputeRankingInput,
  CorrectRankingFigureInput,
  DefineRankingMethodologyInput,
  ExcludeRankingFirmInput,
  FileRankingObjectionInput,
  IssueRankingErratumInput,
  OpenRankingEditionInput,
  PublishRankingInput,
  RecordRankingFiguresInput,
  ResolveRankingObjectionInput,
  type RankingFigureCorrectionInput,
  type RankingTieResolutionInput,
  StartRankingNoticeInput,
} from './rankings.inputs.js';
import {
  RankingCommandPayload,
  RankingEdition,
  RankingExplanation,
  RankingFigure,
  RankingHistoryEntry,
  RankingList,
  RankingMethodology,
  RankingObjection,
} from './rankings.types.js';

// Access (ADR 0014), as the credit resolver draws it: an association's ADMIN manages its own rankings; published
// lists are public results, read by every admin (another association's too), auditors, tender systems and member
// firms; what is not published (figures, objections, a computation in notice) is read by the owning association's
// admins and by auditors only.

/** Who reads an association's unpublished ranking data: its own admins and auditors. */
function seesUnpublished(actor: Actor, associationId: string): boolean {
  return actor.role === 'AUDITOR' || (actor.role === 'ADMIN' && actor.associationId === associationId);
}

const PUBLISHED_READERS = ['ADMIN', 'AUDITOR', 'TENDER', 'MEMBER'] as const;

const ASOF = {
  type: () => GraphQLISODateTime,
  nullable: true,
  description: 'Answer as the register stood at this instant (default now): a list corrected later by an erratum is answered as it stood before it.',
} as const;

function correctionOf(input: RankingFigureCorrectionInput): FigureCorrection {
  return { figureId: input.figureId, value: input.value, previousValue: input.previousValue ?? null, source: input.source, evidenceReference: input.evidenceReference };
}

function tieResolutionsOf(inputs: readonly RankingTieResolutionInput[] | null | undefined): TieResolution[] {
  return (inputs ?? []).map((r) => ({ order: [...r.order], decision: decisionOf(r.decision) }));
}

@Resolver()
export class RankingsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModel: RankingsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The instant a read answers for (null: now), refusing one in the future on its field. */
  private instant(asOf: Date | null | undefined): Date | null {
    const errors: FieldError[] = [];
    asOfInstant(asOf, this.clock.now(), errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return asOf ?? null;
  }

  // ---- queries --------------------------------------------------------------------------------------------------

  @Query(() => [RankingMethodology], { description: 'Ranking methodology versions (评选办法) of an association.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  rankingMethodologies(
    @Args('associationId') associationId: string,
    @Args('methodologyId', { type: () => String, nullable: true }) methodologyId: string | null,
  ): Promise<RankingMethodology[]> {
    return this.readModel.methodologies(associationId, methodologyId);
  }

  @Query(() => [RankingEdition], { description: "An association's ranking editions: every edition for its admins and auditors, published ones for everyone else." })
  @Roles(...PUBLISHED_READERS)
  @Unscoped()
  rankingEditions(@Args('associationId') associationId: string, @Args('asOf', ASOF) asOf: Date | null, @CurrentActor() actor: Actor): Promise<RankingEdition[]> {
    return this.readModel.editions(associationId, !seesUnpublished(actor, associationId), this.instant(asOf));
  }

  @Query(() => RankingList, {
    description:
      'The published list of an edition with each firm’s metrics, points, total and rank, as it stood at `asOf` (the publication, or the erratum in force then). ' +
      'With `latest`, the owning association’s admins and auditors read the latest computation instead, published or not, with its exclusions.',
  })
  @Roles(...PUBLISHED_READERS)
  @Unscoped()
  async rankingList(
    @Args('associationId') associationId: string,
    @Args('editionId') editionId: string,
    @Args('asOf', ASOF) asOf: Date | null,
    @Args('latest', { type: () => Boolean, nullable: true, description: 'The latest computation, published or not (own admins and auditors).' }) latest: boolean | null,
    @Args('listedOnly', { type: () => Boolean, nullable: true, description: 'Only the listed firms (default true).' }) listedOnly: boolean | null,
    @CurrentActor() actor: Actor,
  ): Promise<RankingList> {
    const unpublished = latest === true && seesUnpublished(actor, associationId);
    const result = await this.readModel.result(associationId, editionId, !unpublished, this.instant(asOf));
    if (!result) throw new NotFound(unpublished ? 'Ranking computation' : 'Published ranking list', `${associationId}/${editionId}`);
    return this.listOf(result, await this.readModel.entries(result, listedOnly ?? true));
  }

  @Query(() => [RankingHistoryEntry], { description: "A firm's place in every published edition of every association, each list as it stood at `asOf`." })
  @Roles(...PUBLISHED_READERS)
  @Unscoped()
  rankingHistory(@Args('enterpriseCode') enterpriseCode: string, @Args('asOf', ASOF) asOf: Date | null): Promise<RankingHistoryEntry[]> {
    return this.readModel.firmHistory(enterpriseCode.trim().toUpperCase(), this.instant(asOf)) as Promise<RankingHistoryEntry[]>;
  }

  @Query(() => RankingExplanation, {
    description:
      "Why a firm stands where it stands in an edition's published list (or, with `latest`, for own admins and auditors, the latest computation): " +
      'its metrics and points against the neighbours above and below, and the filter or tie-break that decided.',
  })
  @Roles(...PUBLISHED_READERS)
  @Unscoped()
  async rankingExplanation(
    @Args('associationId') associationId: string,
    @Args('editionId') editionId: string,
    @Args('enterpriseCode') enterpriseCode: string,
    @Args('asOf', ASOF) asOf: Date | null,
    @Args('latest', { type: () => Boolean, nullable: true }) latest: boolean | null,
    @CurrentActor() actor: Actor,
  ): Promise<RankingExplanation> {
    const unpublished = latest === true && seesUnpublished(actor, associationId);
    const found = await this.readModel.explanation(associationId, editionId, enterpriseCode.trim().toUpperCase(), !unpublished, this.instant(asOf));
    if (!found) throw new NotFound('Ranking entry', `${editionId}/${enterpriseCode}`);
    return { listVersion: found.result.listVersion, kind: found.result.kind, methodology: found.methodology, entry: found.entry, above: found.above, below: found.below, summary: found.summary };
  }

  @Query(() => [RankingFigure], { description: 'Figures of an edition with their sources and evidence, corrections included (unpublished data).' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  rankingFigures(
    @Args('associationId') associationId: string,
    @Args('editionId') editionId: string,
    @Args('enterpriseCode', { type: () => String, nullable: true }) enterpriseCode: string | null,
    @Args('currentOnly', { type: () => Boolean, nullable: true, description: 'Leave out figures a correction replaced (default false).' }) currentOnly: boolean | null,
  ): Promise<RankingFigure[]> {
    return this.readModel.figures(associationId, editionId, enterpriseCode?.trim().toUpperCase() ?? null, currentOnly ?? false);
  }

  @Query(() => [RankingObjection], { description: 'Objections (异议) filed during the notice of an edition.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  rankingObjections(@Args('associationId') associationId: string, @Args('editionId') editionId: string): Promise<RankingObjection[]> {
    return this.readModel.objections(associationId, editionId);
  }

  // ---- mutations ------------------------------------------------------------------------------------------------

  @Mutation(() => RankingCommandPayload, { description: 'Defines the next version of a ranking methodology (weights add up to 100).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async defineRankingMethodology(@Args('input') input: DefineRankingMethodologyInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new DefineRankingMethodologyCommand({ type: 'DefineRankingMethodologyVersion', ...fields }, actor, commandId));
    const versions = await this.readModel.methodologies(fields.associationId, fields.methodologyId);
    return { ...payloadOf(result), methodology: versions[versions.length - 1] ?? null, edition: null };
  }

  @Mutation(() => RankingCommandPayload, { description: 'Opens an edition on a methodology version, frozen into it, with its cut-off date.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async openRankingEdition(@Args('input') input: OpenRankingEditionInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.editionPayload(await this.commandBus.execute(new OpenRankingEditionCommand({ type: 'OpenRankingEdition', ...fields }, actor, commandId)), fields);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Records figures (one row per firm and metric, up to 2,000) until the cut-off; one wrong row refuses all, naming each.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  recordRankingFigures(@Args('input') input: RecordRankingFiguresInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.act({ type: 'RecordRankingFigures', ...fields, rows: fields.rows.map((r) => ({ ...r, previousValue: r.previousValue ?? null })) }, commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Corrects a figure before the cut-off: a new figure naming the one it replaces.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  correctRankingFigure(@Args('input') input: CorrectRankingFigureInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId, reason } = input;
    return this.act({ type: 'CorrectRankingFigure', associationId, editionId, ...correctionOf(input.correction), reason }, input.commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Excludes a firm from an edition on a decision, before computing.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  excludeRankingFirm(@Args('input') input: ExcludeRankingFirmInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId, enterpriseCode, grounds } = input;
    return this.act({ type: 'ExcludeRankingFirm', associationId, editionId, enterpriseCode, grounds, decision: decisionOf(input.decision) }, input.commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, {
    description: 'Computes the list after the cut-off from the frozen inputs; eligibility is judged from the registers as of the cut-off and recorded with it.',
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async computeRanking(@Args('input') input: ComputeRankingInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId } = input;
    const command = { type: 'ComputeRanking' as const, associationId, editionId, tieResolutions: tieResolutionsOf(input.tieResolutions) };
    return this.editionPayload(await this.commandBus.execute(new ComputeRankingCommand(command, actor, input.commandId)), command);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Starts the public notice (公示) of the computed list (not back-dated).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  startRankingNotice(@Args('input') input: StartRankingNoticeInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    return this.act({ type: 'StartRankingNotice', associationId: input.associationId, editionId: input.editionId, startsOn: input.startsOn ?? null }, input.commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Records an objection (异议) filed by a firm during the notice.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  fileRankingObjection(@Args('input') input: FileRankingObjectionInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId, objectionId, enterpriseCode, grounds } = input;
    return this.act({ type: 'FileRankingObjection', associationId, editionId, objectionId, enterpriseCode, grounds, evidenceReference: input.evidenceReference ?? null }, input.commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Resolves an objection; upheld, it may correct figures, and the list is computed and noticed again.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  resolveRankingObjection(@Args('input') input: ResolveRankingObjectionInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId, objectionId, outcome, reasons } = input;
    return this.act(
      { type: 'ResolveRankingObjection', associationId, editionId, objectionId, outcome, reasons, corrections: (input.corrections ?? []).map(correctionOf) },
      input.commandId,
      actor,
    );
  }

  @Mutation(() => RankingCommandPayload, { description: 'Publishes the list after its notice, once every objection is resolved; it never changes afterwards.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  publishRanking(@Args('input') input: PublishRankingInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    return this.act({ type: 'PublishRanking', associationId: input.associationId, editionId: input.editionId }, input.commandId, actor);
  }

  @Mutation(() => RankingCommandPayload, { description: 'Issues an erratum to a published list on a decision: corrected figures or exclusions, recomputed as a new list version.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  issueRankingErratum(@Args('input') input: IssueRankingErratumInput, @CurrentActor() actor: Actor): Promise<RankingCommandPayload> {
    const { associationId, editionId, erratumId, reason } = input;
    return this.act(
      {
        type: 'IssueRankingErratum',
        associationId,
        editionId,
        erratumId,
        reason,
        decision: decisionOf(input.decision),
        corrections: (input.corrections ?? []).map(correctionOf),
        exclusions: (input.exclusions ?? []).map((e) => ({ enterpriseCode: e.enterpriseCode, grounds: e.grounds })),
        tieResolutions: tieResolutionsOf(input.tieResolutions),
      },
      input.commandId,
      actor,
    );
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private async act(command: ActOnRankingEditionCommand['input'], commandId: string | null | undefined, actor: Actor): Promise<RankingCommandPayload> {
    return this.editionPayload(await this.commandBus.execute(new ActOnRankingEditionCommand(command, actor, commandId)), command);
  }

  private async editionPayload(result: DispatchResult, key: { associationId: string; editionId: string }): Promise<RankingCommandPayload> {
    return { ...payloadOf(result), methodology: null, edition: await this.readModel.edition(key.associationId, key.editionId) };
  }

  private listOf(result: RankingResultView, entries: RankingEntryView[]): RankingList {
    const { erratumDecision, resultId: _resultId, ...rest } = result;
    return { ...rest, erratumDecisionReference: erratumDecision?.reference ?? null, entries: entries as RankingList['entries'] };
  }
}

export const RANKINGS_RESOLVERS = [RankingsResolver];

import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  ActOnAwardEditionCommand,
  ActOnAwardEntryCommand,
  ActOnAwardPanelCommand,
  type BulkOutcome,
  DefineAwardRulebookCommand,
  type DispatchResult,
  DrawAwardPanelCommand,
  GrantAwardCommand,
  OpenAwardEditionCommand,
  type SingleStreamEntryCommand,
  SubmitAwardEntriesCommand,
  SubmitAwardEntryCommand,
} from '#application';
import { type AwardRulebookCommand, drawPanel, type PanelDrawRecord } from '#domain/awards';
import { type Actor, type FieldError, InvalidInput, type Threshold } from '#domain/shared';
import { CLOCK, type Clock, CurrentActor, ForbiddenError, Roles } from '#platform';
import { AwardQueries, type AwardEntryView, type AwardPanelMemberView, ExpertQueries } from '#projections';
import { Inject } from '@nestjs/common';
import { canonicalJson } from '#eventstore';
import { ScopedTo, Unscoped } from '../graphql/access-scope.guard.js';
import { asOfInstant } from '../graphql/as-of.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { decisionOf } from '../graphql/decision.input.js';
import {
  ApproveAwardRevocationInput,
  AwardAssociationArgs,
  AwardEditionArgs,
  AwardEntriesArgs,
  AwardEntryArgs,
  AwardHistoryArgs,
  AwardObjectionsArgs,
  AwardRankingArgs,
  AwardRulebookArgs,
  AwardResultsArgs,
  AwardRoundInput,
  CheckAwardEligibilityInput,
  DeclineAwardInput,
  DefineAwardRulebookInput,
  DrawAwardPanelInput,
  FileAwardObjectionInput,
  GrantAwardInput,
  OpenAwardEditionInput,
  PublishAwardResultsInput,
  RecordAwardVoteInput,
  RecuseAwardExpertInput,
  ReportSiteInspectionInput,
  RequestAwardRevocationInput,
  ResolveAwardObjectionInput,
  ScoreAwardEntryInput,
  StartAwardNoticeInput,
  SubmitAwardEntriesInput,
  SubmitAwardEntryInput,
} from './awards.inputs.js';
import {
  AwardBulkPayload,
  AwardCommandPayload,
  AwardEditionType,
  AwardEntryListType,
  AwardEntryType,
  AwardHistoryEntryType,
  AwardObjectionListType,
  AwardPanelDrawType,
  AwardRankingLineType,
  AwardResultListType,
  AwardRulebookType,
  type AwardThresholdType,
} from './awards.types.js';

const ENTRY_SCOPE = { association: 'input.associationId', awardEntry: { edition: 'input.editionId', entry: 'input.entryId' } } as const;

/*
 * Awards (ADR 0023). The association's ADMIN runs its editions; an EXPERT scores, recuses and reports only on entries
 * whose panel they are on (the guard reads the entry's stream) and under their own expert id; the AUDITOR reads
 * everything; any signed-in caller (another association, TENDER, MEMBER) reads editions and published results; a
 * MEMBER reads its own firm's entries. An EXPERT sees the entries they are on the panel of and, until a round closes,
 * only their own scores in it.
 */
@Resolver()
export class AwardsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly awards: AwardQueries,
    private readonly experts: ExpertQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---- queries ------------------------------------------------------------------------------------

  @Query(() => [AwardEditionType], { description: "An association's editions and their status." })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardEditions(@Args() { associationId }: AwardAssociationArgs): Promise<AwardEditionType[]> {
    return (await this.awards.editions(associationId)).map(editionOut);
  }

  @Query(() => AwardEditionType, { nullable: true })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardEdition(@Args() { associationId, editionId }: AwardEditionArgs): Promise<AwardEditionType | null> {
    const edition = await this.awards.edition(associationId, editionId);
    return edition && editionOut(edition);
  }

  @Query(() => AwardEntryListType, { description: 'Entries with their panels and scores: an EXPERT sees their own assignments, a MEMBER its own entries.' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'MEMBER')
  @ScopedTo({ association: 'associationId', memberInAssociation: true })
  async awardEntries(@Args() { associationId, editionId, first, after }: AwardEntriesArgs, @CurrentActor() actor: Actor): Promise<AwardEntryListType> {
    if (first < 1 || first > 500) throw new InvalidInput([{ field: 'first', message: 'must be 1 to 500.' }]);
    const expertId = actor.role === 'EXPERT' ? await this.ownExpertId(actor, associationId) : null;
    const page = await this.awards.entries(associationId, editionId, { expertId, applicantCode: actor.role === 'MEMBER' ? actor.enterpriseCode : null }, first, after);
    const entries = page.edges.map((e) => e.node);
    return {
      totalCount: page.totalCount,
      endCursor: page.pageInfo.endCursor,
      hasNextPage: page.pageInfo.hasNextPage,
      entries: await this.withPanels(associationId, editionId, entries, actor, expertId),
    };
  }

  @Query(() => AwardEntryType, { nullable: true, description: 'One entry; an EXPERT only one whose panel they are on.' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT')
  @ScopedTo({ association: 'associationId', awardEntry: { edition: 'editionId', entry: 'entryId' } })
  async awardEntry(@Args() { associationId, editionId, entryId }: AwardEntryArgs, @CurrentActor() actor: Actor): Promise<AwardEntryType | null> {
    const entry = await this.awards.entry(associationId, editionId, entryId);
    if (!entry) return null;
    const expertId = actor.role === 'EXPERT' ? await this.ownExpertId(actor, associationId) : null;
    return (await this.withPanels(associationId, editionId, [entry], actor, expertId))[0]!;
  }

  @Query(() => [AwardRankingLineType], { description: "A ranked round's ranking, by category and rank." })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async awardRanking(@Args() { associationId, editionId, roundCode }: AwardRankingArgs): Promise<AwardRankingLineType[]> {
    return (await this.awards.ranking(associationId, editionId, roundCode)).map((r) => ({ ...r, scoreNumerator: String(r.scoreNumerator), scoreDenominator: String(r.scoreDenominator) }));
  }

  @Query(() => AwardResultListType, { description: 'The published result list as recorded by `asOf` (default now).' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardResults(@Args() { associationId, editionId, asOf }: AwardResultsArgs): Promise<AwardResultListType> {
    const errors: FieldError[] = [];
    const at = asOfInstant(asOf ?? null, this.clock.now(), errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    const list = await this.awards.publishedResults(associationId, editionId, at);
    return {
      ...list,
      totalFen: String(list.totalFen),
      results: list.results.map((r) => ({ ...r, amountFen: r.amountFen === null ? null : String(r.amountFen) })),
    };
  }

  @Query(() => [AwardPanelDrawType], { description: 'Every recorded panel draw of the edition (or one entry), each replayed from its seed.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async awardPanelDraws(@Args() { associationId, editionId }: AwardEditionArgs, @Args('entryId', { type: () => String, nullable: true }) entryId: string | null): Promise<AwardPanelDrawType[]> {
    const draws = await this.awards.panelDraws(associationId, editionId, entryId ?? null);
    return draws.map((d) => ({
      associationId,
      entryId: d.entryId,
      revision: d.revision,
      roundCode: d.roundCode,
      kind: d.kind,
      seed: d.draw.seed,
      startPosition: d.draw.startPosition,
      endPosition: d.draw.endPosition,
      poolDigest: d.draw.poolDigest,
      draw: d.draw,
      reproduces: reproduces(d.draw),
    }));
  }

  @Query(() => [AwardHistoryEntryType], { description: "A firm's or a person's entries: awards and revocations for everyone; every entry for the owning association's admin and the auditor." })
  @Roles('ADMIN', 'AUDITOR', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardHistory(@Args() { subjectId }: AwardHistoryArgs, @CurrentActor() actor: Actor): Promise<AwardHistoryEntryType[]> {
    // Credit codes are written upper case; a register id (PSN…) is already.
    const entries = await this.awards.awardHistory(subjectId.trim().toUpperCase());
    return entries.filter((e) => actor.role === 'AUDITOR' || (actor.role === 'ADMIN' && actor.associationId === e.associationId) || e.status === 'AWARDED' || e.status === 'REVOKED');
  }

  // ---- mutations ----------------------------------------------------------------------------------

  @Mutation(() => AwardCommandPayload, { description: 'Defines the next version of a rulebook (评选办法).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async defineAwardRulebook(@Args('input') input: DefineAwardRulebookInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, associationId, rulebook } = plain(input);
    // A threshold is one of its two forms: the one left out arrives as null and is dropped.
    const threshold = (t: { moreThan?: number[] | null; atLeast?: number[] | null }) => (t.moreThan ? { moreThan: t.moreThan } : { atLeast: t.atLeast });
    const rules = {
      ...rulebook,
      votes: { ...rulebook.votes, quorum: threshold(rulebook.votes.quorum), pass: threshold(rulebook.votes.pass) },
      grades: rulebook.grades.map((g) => ({ ...g, vote: threshold(g.vote) })),
      tieBreak: rulebook.tieBreak.map((k) => (k.by === 'ITEM' ? { by: k.by, item: k.item } : { by: k.by })),
    };
    const command = { type: 'DefineAwardRulebookVersion', associationId, rulebook: rules } as unknown as Extract<AwardRulebookCommand, { type: 'DefineAwardRulebookVersion' }>;
    const result: DispatchResult = await this.commandBus.execute(new DefineAwardRulebookCommand(command, actor, commandId));
    const defined = result.streams[0]?.events[0]?.data as { rulebook?: { version: number } } | undefined;
    return { ...this.payload(result, associationId, null, null), rulebookVersion: defined?.rulebook?.version ?? null };
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async openAwardEdition(@Args('input') input: OpenAwardEditionInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.payload(await this.commandBus.execute(new OpenAwardEditionCommand({ type: 'OpenAwardEdition', ...fields }, actor, commandId)), fields.associationId, fields.editionId, null);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Opens the next round of the rulebook (entries close when the first opens).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  openAwardRound(@Args('input') input: AwardRoundInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEdition('OpenAwardRound', input, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Closes the open round: its scores are locked.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  closeAwardRound(@Args('input') input: AwardRoundInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEdition('CloseAwardRound', input, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Ranks a closed scored round from the locked scores.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  rankAwardRound(@Args('input') input: AwardRoundInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEdition('RankAwardRound', input, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Starts the public notice of the result list.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  startAwardNotice(@Args('input') input: StartAwardNoticeInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEdition('StartAwardNotice', input, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Publishes the results after the notice.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  publishAwardResults(@Args('input') input: PublishAwardResultsInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEdition('PublishAwardResults', input, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async submitAwardEntry(@Args('input') input: SubmitAwardEntryInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const command = { type: 'SubmitAwardEntry' as const, ...fields, builderCode: fields.builderCode ?? null, project: fields.project ?? null };
    return this.payload(await this.commandBus.execute(new SubmitAwardEntryCommand(command, actor, commandId)), fields.associationId, fields.editionId, fields.entryId);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  checkAwardEligibility(@Args('input') input: CheckAwardEligibilityInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEntry({ type: 'CheckAwardEligibility', ...entryKey(input) }, input.commandId, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Draws the panel at random from the pool; the seed and the pool snapshot are recorded.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async drawAwardPanel(@Args('input') input: DrawAwardPanelInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.payload(await this.commandBus.execute(new DrawAwardPanelCommand(fields, actor, commandId)), fields.associationId, fields.editionId, fields.entryId);
  }

  @Mutation(() => AwardCommandPayload, { description: 'A panel member scores the entry; an EXPERT only under their own expert id.' })
  @Roles('ADMIN', 'EXPERT')
  @ScopedTo(ENTRY_SCOPE)
  async scoreAwardEntry(@Args('input') input: ScoreAwardEntryInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, items, ...fields } = plain(input);
    await this.requireOwnExpertId(actor, fields.associationId, fields.expertId);
    const command = { type: 'ScoreAwardEntry' as const, ...fields, items: items.map((i) => ({ code: i.code, points: i.points })) };
    return this.payload(await this.commandBus.execute(new ActOnAwardPanelCommand(command, actor, commandId)), fields.associationId, fields.editionId, fields.entryId);
  }

  @Mutation(() => AwardCommandPayload, { description: 'A panel member recuses; the replacement is drawn from the recorded seed stream.' })
  @Roles('ADMIN', 'EXPERT')
  @ScopedTo(ENTRY_SCOPE)
  async recuseAwardExpert(@Args('input') input: RecuseAwardExpertInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    await this.requireOwnExpertId(actor, fields.associationId, fields.expertId);
    return this.payload(await this.commandBus.execute(new ActOnAwardPanelCommand({ type: 'RecuseAwardExpert', ...fields }, actor, commandId)), fields.associationId, fields.editionId, fields.entryId);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN', 'EXPERT')
  @ScopedTo(ENTRY_SCOPE)
  async reportSiteInspection(@Args('input') input: ReportSiteInspectionInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    await this.requireOwnExpertId(actor, fields.associationId, fields.inspectorExpertId);
    return this.onEntry({ type: 'ReportSiteInspection', ...fields, inspectedOn: fields.inspectedOn ?? null }, commandId, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  recordAwardVote(@Args('input') input: RecordAwardVoteInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEntry({ type: 'RecordAwardVote', ...entryKey(input), ballot: input.ballot, decision: decisionOf(input.decision) }, input.commandId, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  fileAwardObjection(@Args('input') input: FileAwardObjectionInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.onEntry({ type: 'FileAwardObjection', ...fields, evidenceReference: fields.evidenceReference ?? null }, commandId, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  resolveAwardObjection(@Args('input') input: ResolveAwardObjectionInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.onEntry({ type: 'ResolveAwardObjection', ...fields }, commandId, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async grantAward(@Args('input') input: GrantAwardInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.payload(await this.commandBus.execute(new GrantAwardCommand({ type: 'GrantAward', ...fields }, actor, commandId)), fields.associationId, fields.editionId, fields.entryId);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  declineAward(@Args('input') input: DeclineAwardInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEntry({ type: 'DeclineAward', ...entryKey(input), reason: input.reason }, input.commandId, actor);
  }

  @Mutation(() => AwardCommandPayload)
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  requestAwardRevocation(@Args('input') input: RequestAwardRevocationInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    const decision = input.decision ? decisionOf(input.decision) : null;
    return this.onEntry({ type: 'RequestAwardRevocation', ...entryKey(input), grounds: input.grounds, reason: input.reason, decision }, input.commandId, actor);
  }

  @Mutation(() => AwardCommandPayload, { description: 'Approved by someone other than who requested it.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  approveAwardRevocation(@Args('input') input: ApproveAwardRevocationInput, @CurrentActor() actor: Actor): Promise<AwardCommandPayload> {
    return this.onEntry({ type: 'ApproveAwardRevocation', ...entryKey(input), publishedOn: input.publishedOn ?? null }, input.commandId, actor);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private async onEdition(
    type: 'OpenAwardRound' | 'CloseAwardRound' | 'RankAwardRound' | 'StartAwardNotice' | 'PublishAwardResults',
    input: { commandId?: string | null; associationId: string; editionId: string; roundCode?: string; startsOn?: string | null },
    actor: Actor,
  ): Promise<AwardCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const command = { type, ...fields, roundCode: fields.roundCode ?? '', startsOn: fields.startsOn ?? null } as ConstructorParameters<typeof ActOnAwardEditionCommand>[0];
    return this.payload(await this.commandBus.execute(new ActOnAwardEditionCommand(command, actor, commandId)), fields.associationId, fields.editionId, null);
  }

  private async onEntry(command: SingleStreamEntryCommand, commandId: string | null | undefined, actor: Actor): Promise<AwardCommandPayload> {
    return this.payload(await this.commandBus.execute(new ActOnAwardEntryCommand(command, actor, commandId ?? null)), command.associationId, command.editionId, command.entryId);
  }

  private payload(result: DispatchResult, associationId: string, editionId: string | null, entryId: string | null): AwardCommandPayload {
    return { ...payloadOf(result), associationId, editionId, entryId, rulebookVersion: null };
  }

  /** The expert id an EXPERT token signs in as in the association's pool (FORBIDDEN when it is in none). */
  private async ownExpertId(actor: Actor, associationId: string): Promise<string> {
    const expert = await this.experts.byUser(associationId, actor.userId);
    if (!expert) throw new ForbiddenError(`${actor.userId} is not an expert of ${associationId}'s pool.`);
    return expert.expertId;
  }

  private async requireOwnExpertId(actor: Actor, associationId: string, expertId: string): Promise<void> {
    if (actor.role !== 'EXPERT') return;
    if ((await this.ownExpertId(actor, associationId)) !== expertId) throw new ForbiddenError('An expert acts only under their own expert id.');
  }

  /** Each entry with its panels as the caller may see them: an EXPERT their own scores only, until the round closes. */
  private async withPanels(associationId: string, editionId: string, entries: AwardEntryView[], actor: Actor, expertId: string | null): Promise<AwardEntryType[]> {
    const ids = entries.map((e) => e.entryId);
    const [members, edition, objections] = await Promise.all([
      this.awards.panelMembers(associationId, editionId, ids),
      this.awards.edition(associationId, editionId),
      this.awards.objectionsOf(associationId, editionId, ids, this.clock.now()),
    ]);
    const locked = (roundCode: string) => (edition?.rounds.find((r) => r.roundCode === roundCode)?.closedOn ?? null) !== null;
    const visible = (m: AwardPanelMemberView) => actor.role !== 'EXPERT' || m.expertId === expertId || locked(m.roundCode);
    return entries.map((e) => ({
      ...e,
      amountFen: e.amountFen === null ? null : String(e.amountFen),
      panel: members
        .filter((m) => m.entryId === e.entryId)
        .map((m) => ({
          associationId,
          roundCode: m.roundCode,
          expertId: m.expertId,
          status: m.status,
          recusalReason: m.recusalReason,
          items: visible(m) ? m.items : null,
          weightedTotal: visible(m) && m.weightedTotal !== null ? String(m.weightedTotal) : null,
        })),
      objections: objections.filter((o) => o.entryId === e.entryId),
    }));
  }

  // ---- objections and rulebooks (reads) -----------------------------------------------------------

  @Query(() => AwardObjectionListType, {
    description: "An edition's objections as recorded by `asOf` (default now), by entry then objection id; `status` and `entryId` narrow them.",
  })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async awardObjections(@Args() { associationId, editionId, status, entryId, first, after, asOf }: AwardObjectionsArgs): Promise<AwardObjectionListType> {
    const errors: FieldError[] = [];
    if (first < 1 || first > 500) errors.push({ field: 'first', message: 'must be 1 to 500.' });
    const at = asOfInstant(asOf ?? null, this.clock.now(), errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    const page = await this.awards.objections(associationId, editionId, { status: status ?? null, entryId: entryId ?? null, asOf: at }, first, after);
    return {
      asOf: at,
      totalCount: page.totalCount,
      endCursor: page.pageInfo.endCursor,
      hasNextPage: page.pageInfo.hasNextPage,
      objections: page.edges.map((e) => e.node),
    };
  }

  @Query(() => AwardRulebookType, { nullable: true, description: 'A rulebook with every version as defined and the editions pinned to each: a published rule, readable by every signed-in role.' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardRulebook(@Args() { associationId, rulebookId }: AwardRulebookArgs): Promise<AwardRulebookType | null> {
    const rulebook = await this.awards.rulebook(associationId, rulebookId);
    return rulebook && rulebookOut(rulebook);
  }

  @Query(() => [AwardRulebookType], { description: "The association's rulebooks, each with every version and its pinned editions, by rulebook id." })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER')
  @Unscoped()
  async awardRulebooks(@Args() { associationId }: AwardAssociationArgs): Promise<AwardRulebookType[]> {
    return (await this.awards.rulebooks(associationId)).map(rulebookOut);
  }

  // ---- bulk submission ----------------------------------------------------------------------------

  @Mutation(() => AwardBulkPayload, { description: "Submits a list of entries at once (a channel's list): one submission per entry, each channel's in list order." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async submitAwardEntries(@Args('input') input: SubmitAwardEntriesInput, @CurrentActor() actor: Actor): Promise<AwardBulkPayload> {
    const { commandId, associationId, editionId, entries } = plain(input);
    const { refusals, total: _total, ...counts }: BulkOutcome = await this.commandBus.execute(new SubmitAwardEntriesCommand({ associationId, editionId, entries }, actor, commandId));
    return { ...counts, refusals: refusals.map(({ key, rule, message }) => ({ entryId: key, rule, message })) };
  }
}

function thresholdOut(threshold: Threshold): AwardThresholdType {
  const [numerator, denominator] = 'moreThan' in threshold ? threshold.moreThan : threshold.atLeast;
  return { comparison: 'moreThan' in threshold ? 'MORE_THAN' : 'AT_LEAST', numerator, denominator };
}

/** A rulebook as stored, in the schema's typed shape (fen and weighted scores as decimal integer strings). */
function rulebookOut(rulebook: Awaited<ReturnType<AwardQueries['rulebook']>> & object): AwardRulebookType {
  return {
    associationId: rulebook.associationId,
    rulebookId: rulebook.rulebookId,
    versions: rulebook.versions.map(({ rulebook: r, ...v }) => ({
      ...v,
      programmeKind: r.programmeKind,
      subjectKind: r.subjectKind,
      categories: r.categories.map((c) => ({ ...c, amountFen: c.amountFen === null ? null : String(c.amountFen) })),
      channels: [...r.channels],
      eligibility: { ...r.eligibility, creditGrades: [...r.eligibility.creditGrades] },
      rubric: [...r.rubric],
      normalisation: r.normalisation,
      rounds: r.rounds.map((round) => ({
        ...round,
        advancement: round.advancement && { numerator: round.advancement.fraction[0], denominator: round.advancement.fraction[1], rounding: round.advancement.rounding },
      })),
      votes: { ballot: r.votes.ballot, quorum: thresholdOut(r.votes.quorum), pass: thresholdOut(r.votes.pass) },
      grading: r.grading,
      grades: r.grades.map((g) => ({ code: g.code, minScore: g.minScore === null ? null : String(g.minScore), quota: g.quota, vote: thresholdOut(g.vote) })),
      noticeDays: r.noticeDays,
      tieBreak: r.tieBreak.map((k) => ({ by: k.by, item: k.by === 'ITEM' ? k.item : null })),
      budgetFen: r.budgetFen === null ? null : String(r.budgetFen),
    })),
  };
}

function entryKey(input: { associationId: string; editionId: string; entryId: string }) {
  return { associationId: input.associationId, editionId: input.editionId, entryId: input.entryId };
}

function editionOut(edition: Awaited<ReturnType<AwardQueries['edition']>> & object): AwardEditionType {
  return { ...edition, totalFen: edition.totalFen === null ? null : String(edition.totalFen) };
}

/** Whether the recorded inputs give the recorded outputs, compared as stored values (jsonb orders keys its own way). */
export function reproduces(record: PanelDrawRecord): boolean {
  try {
    const again = drawPanel(record);
    return (['panel', 'exclusions', 'endPosition', 'poolDigest'] as const).every((k) => canonicalJson(again[k]) === canonicalJson(record[k]));
  } catch {
    return false;
  }
}

import { decisionOf } from '../graphql/decision.input.js';
import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, GraphQLISODateTime, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  ActOnDuesAccountCommand,
  AdoptFeeScheduleCommand,
  AdoptWaiverPolicyCommand,
  ApplyWaiverPolicyCommand,
  type BulkOutcome,
  type DispatchResult,
  InvoiceDuesYearCommand,
  RecordDuesPaymentCommand,
} from '#application';
import { type Actor, type FieldError, InvalidInput, normaliseCreditCode, NotFound } from '#domain/shared';
import { CLOCK, type Clock, CurrentActor, Roles } from '#platform';
import { DuesQueries, MembershipQueries } from '#projections';
import { ScopedTo } from '../graphql/access-scope.guard.js';
import { AS_OF_DESCRIPTION, asOfInstant, effectiveDate, EFFECTIVE_AT_DESCRIPTION } from '../graphql/as-of.js';
import { readCreditCode } from '../graphql/credit-code-input.js';
import { payloadOf } from '../graphql/command.types.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import {
  AdoptFeeScheduleInput,
  AdoptWaiverPolicyInput,
  ApplyWaiverPolicyInput,
  ApproveDuesWaiverInput,
  AssociationArgs,
  AssociationYearArgs,
  InvoiceDuesYearInput,
  IssueDuesInvoiceInput,
  RecordDuesPaymentInput,
  RejectDuesWaiverInput,
  RequestDuesWaiverInput,
  RevokeDuesWaiverInput,
  StatementArgs,
} from './dues.inputs.js';
import {
  ArrearsConnection,
  type ArrearsView,
  DeemedWithdrawalCandidates,
  DuesAnnualReport,
  DuesBulkPayload,
  DuesCommandPayload,
  DuesStatement,
  FeeScheduleVersionView,
  WaiverAuthorityKindEnum,
  type WaiverAuthorityKind,
  WaiverConnection,
  WaiverPolicyView,
  WaiverReasonEnum,
  WaiverStatusEnum,
  type WaiverView,
} from './dues.types.js';

/** A bulk run's tally as the API reports it: refusals by enterprise code, the run's total in fen. */
function bulkPayload({ refusals, total, ...counts }: BulkOutcome): DuesBulkPayload {
  return { ...counts, refusals: refusals.map(({ key, rule, message }) => ({ enterpriseCode: key, rule, message })), amountFen: total };
}

@Resolver()
export class DuesResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModel: DuesQueries,
    private readonly associations: MembershipQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** "As of" defaults to the present, from the injected clock; an instant in the future is refused. */
  private asOf(asOf: Date | null, errors: FieldError[] = []): Date {
    const at = asOfInstant(asOf, this.clock.now(), errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return at;
  }

  /** Both axes: the knowledge instant and the business date (default the day of `asOf`), each refused on its field. */
  private axes(asOf: Date | null, effectiveAt: string | null): { at: Date; day: string } {
    const errors: FieldError[] = [];
    const at = asOfInstant(asOf, this.clock.now(), errors);
    const day = effectiveDate(effectiveAt, at, errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return { at, day };
  }

  /** After the access check: an association not in the register is NOT_FOUND, not an empty answer. */
  private async assertAssociation(associationId: string): Promise<void> {
    if (!(await this.associations.associationExists(associationId))) throw new NotFound('Association', associationId);
  }

  // ---- queries ------------------------------------------------------------------------------------

  @Query(() => [FeeScheduleVersionView], { description: 'Every version of the fee schedule of an association, oldest first.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async feeSchedules(@Args() { associationId }: AssociationArgs): Promise<FeeScheduleVersionView[]> {
    await this.assertAssociation(associationId);
    return this.readModel.feeSchedules(associationId);
  }

  @Query(() => DuesStatement, {
    description:
      "A member's dues, year by year, on two time axes: as the register had recorded them by `asOf`, on the business date `effectiveAt` (a payment counts from the day it was paid, a waiver from the day it was approved). " +
      'A malformed code is refused on its field (BAD_USER_INPUT); an unknown association, a code no enterprise is registered under and a firm never a member of the association are NOT_FOUND.',
  })
  @Roles('ADMIN', 'AUDITOR', 'MEMBER')
  @ScopedTo({ association: 'associationId', firm: 'enterpriseCode', memberInAssociation: true })
  async duesStatement(
    @Args() { associationId, enterpriseCode }: StatementArgs,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true, description: AS_OF_DESCRIPTION }) asOf: Date | null,
    @Args('effectiveAt', { type: () => String, nullable: true, description: EFFECTIVE_AT_DESCRIPTION }) effectiveAt: string | null,
  ): Promise<DuesStatement> {
    // Access is decided (the scope guard ran before any input was read); then input, then what the register holds.
    const errors: FieldError[] = [];
    const reading = readCreditCode(enterpriseCode);
    if (reading.kind === 'malformed') errors.push({ field: 'enterpriseCode', message: reading.reason });
    const at = asOfInstant(asOf, this.clock.now(), errors);
    const day = effectiveDate(effectiveAt, at, errors);
    if (reading.kind === 'malformed' || errors.length > 0) throw new InvalidInput(errors);
    const code = reading.code;
    const subject = await this.readModel.statementSubject(associationId, code, at, day);
    if (!subject.associationExists) throw new NotFound('Association', associationId);
    if (!subject.registered) {
      // A code failing its check character is a subject only when registered by an override.
      if (reading.kind === 'check_digit_mismatch') throw new InvalidInput([{ field: 'enterpriseCode', message: reading.reason }]);
      throw new NotFound('Enterprise', code, `No enterprise is registered under ${code}: check the code.`);
    }
    if (!subject.everMember) {
      throw new NotFound(
        'Membership',
        `${associationId}/${code}`,
        `${subject.enterpriseName ?? code} (${code}) has never applied to association ${associationId} and has no dues account there.`,
      );
    }
    return this.readModel.statement(associationId, code, at, subject, day);
  }

  @Query(() => WaiverConnection, {
    description:
      'The waiver register (减免登记) of a year: every waiver with its reason, its authority (an approval, or a policy and its decision) and who recorded it.',
  })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async duesWaiverRegister(
    @Args() { associationId, year }: AssociationYearArgs,
    @Args('reasonCategory', { type: () => WaiverReasonEnum, nullable: true }) reasonCategory: string | null,
    @Args('status', { type: () => WaiverStatusEnum, nullable: true }) status: string | null,
    @Args('policyId', { type: () => String, nullable: true, description: 'Waivers granted under this policy.' }) policyId: string | null,
    @Args('approvedBy', { type: () => String, nullable: true, description: 'Waivers this person approved (policy grants have no approver).' })
    approvedBy: string | null,
    @Args('authority', { type: () => WaiverAuthorityKindEnum, nullable: true, description: 'Approvals only, or policy grants only.' })
    authority: WaiverAuthorityKind | null,
    @Args('recordedBy', { type: () => String, nullable: true, description: 'Waivers this person put in effect: their approvals and the policy grants they applied.' })
    recordedBy: string | null,
    @Args() page: PageArgs,
  ): Promise<Connection<WaiverView>> {
    await this.assertAssociation(associationId);
    return this.readModel.waiverRegister(
      associationId,
      year,
      { reasonCategory, status, policyId, approvedBy, authority, recordedBy },
      page.first,
      page.after,
    );
  }

  @Query(() => DuesAnnualReport, { description: 'Dues invoiced, collected and waived (by reason) in a year, as recorded at `asOf`.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async duesAnnualReport(
    @Args() { associationId, year }: AssociationYearArgs,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf: Date | null,
  ): Promise<DuesAnnualReport> {
    const at = this.asOf(asOf);
    await this.assertAssociation(associationId);
    return this.readModel.annualReport(associationId, year, at);
  }

  @Query(() => ArrearsConnection, {
    description:
      'Members with completed years unpaid (欠费账龄), by enterprise code, on two time axes: "what did the register, as of `asOf`, say was owed on `effectiveAt`". ' +
      "A year counts once it is over by `effectiveAt`, with its dues whenever they were invoiced, less what was paid and waived by that day. " +
      'A back-dated payment recorded after `asOf` does not change that answer; asked again with a later `asOf`, it counts from the day it was paid.',
  })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async duesArrears(
    @Args() { associationId }: AssociationArgs,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true, description: AS_OF_DESCRIPTION }) asOf: Date | null,
    @Args('effectiveAt', { type: () => String, nullable: true, description: EFFECTIVE_AT_DESCRIPTION }) effectiveAt: string | null,
    @Args('minUnpaidYears', { type: () => Int, defaultValue: 1 }) minUnpaidYears: number,
    @Args() page: PageArgs,
  ): Promise<Connection<ArrearsView>> {
    const { at, day } = this.axes(asOf, effectiveAt);
    await this.assertAssociation(associationId);
    return this.readModel.arrears(associationId, at, Math.max(1, minUnpaidYears), page.first, page.after, day);
  }

  @Query(() => DeemedWithdrawalCandidates, {
    description:
      "Members (active or suspended on `effectiveAt`) whose unpaid years reach the charter's number for deemed withdrawal (自动退会), on the two axes of `duesArrears`.",
  })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async deemedWithdrawalCandidates(
    @Args() { associationId }: AssociationArgs,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true, description: AS_OF_DESCRIPTION }) asOf: Date | null,
    @Args('effectiveAt', { type: () => String, nullable: true, description: EFFECTIVE_AT_DESCRIPTION }) effectiveAt: string | null,
  ): Promise<DeemedWithdrawalCandidates> {
    const { at, day } = this.axes(asOf, effectiveAt);
    const found = await this.readModel.deemedWithdrawalCandidates(associationId, at, day);
    if (!found) throw new NotFound('Association', associationId);
    return { ...found, asOf: at, effectiveAt: day };
  }

  @Query(() => [WaiverPolicyView], { description: 'Waiver policies of an association, with what each granted.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async waiverPolicies(
    @Args() { associationId }: AssociationArgs,
    @Args('year', { type: () => Int, nullable: true }) year: number | null,
  ): Promise<WaiverPolicyView[]> {
    await this.assertAssociation(associationId);
    return this.readModel.waiverPolicies(associationId, year);
  }

  // ---- mutations ------------------------------------------------------------------------------------

  @Mutation(() => DuesCommandPayload, { description: 'Adopts a new fee schedule version on a general assembly decision.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async adoptFeeSchedule(@Args('input') input: AdoptFeeScheduleInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    const result = await this.commandBus.execute(new AdoptFeeScheduleCommand(
      {
        type: 'AdoptFeeSchedule',
        associationId: fields.associationId,
        amounts: fields.amounts.map((a) => ({ tier: a.tier, annualFen: a.annualFen })),
        secondHalfPercent: fields.secondHalfPercent ?? null,
        effectiveFrom: fields.effectiveFrom,
        decision: decisionOf(fields.decision),
      },
      actor,
      commandId,
    ));
    const versions = await this.readModel.feeSchedules(fields.associationId);
    const schedule = result.revision === null ? null : (versions.find((v) => v.version === result.revision! + 1) ?? null);
    return { ...this.base(result), warnings: schedule?.warnings ?? [], feeSchedule: schedule };
  }

  @Mutation(() => DuesCommandPayload, { description: "Invoices one active member's dues for a year (nothing new if already invoiced)." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  issueDuesInvoice(@Args('input') input: IssueDuesInvoiceInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    return this.onAccount({ type: 'IssueDuesInvoice', ...fields }, commandId, actor);
  }

  @Mutation(() => DuesBulkPayload, { description: 'Invoices every active member for the year, one event per account; a re-run writes nothing.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async invoiceDuesYear(@Args('input') input: InvoiceDuesYearInput, @CurrentActor() actor: Actor): Promise<DuesBulkPayload> {
    return bulkPayload(await this.commandBus.execute(new InvoiceDuesYearCommand({ associationId: input.associationId, year: input.year }, actor)));
  }

  @Mutation(() => DuesCommandPayload, { description: 'Records a payment with its receipt number (unique in the association).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async recordDuesPayment(@Args('input') input: RecordDuesPaymentInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    const result = await this.commandBus.execute(new RecordDuesPaymentCommand({ type: 'RecordDuesPayment', ...fields }, actor, commandId));
    return this.accountPayload(result, fields, null);
  }

  @Mutation(() => DuesCommandPayload, { description: 'Requests a waiver (full or an amount) with reason and evidence; it needs another person to approve.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  requestDuesWaiver(@Args('input') input: RequestDuesWaiverInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    const id = commandId ?? randomUUID();
    return this.onAccount({ type: 'RequestDuesWaiver', ...fields, waiverId: id }, id, actor, id);
  }

  @Mutation(() => DuesCommandPayload, { description: 'Approves a requested waiver (an authorised user, not the requester).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  approveDuesWaiver(@Args('input') input: ApproveDuesWaiverInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    return this.onAccount({ type: 'ApproveDuesWaiver', ...fields }, commandId, actor, fields.waiverId);
  }

  @Mutation(() => DuesCommandPayload, { description: 'Rejects a requested waiver, with the reason.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  rejectDuesWaiver(@Args('input') input: RejectDuesWaiverInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    return this.onAccount({ type: 'RejectDuesWaiver', ...fields }, commandId, actor, fields.waiverId);
  }

  @Mutation(() => DuesCommandPayload, { description: 'Revokes a waiver in effect (all of it or an amount), with the reason.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  revokeDuesWaiver(@Args('input') input: RevokeDuesWaiverInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    return this.onAccount({ type: 'RevokeDuesWaiver', ...fields }, commandId, actor, fields.waiverId);
  }

  @Mutation(() => DuesCommandPayload, { description: 'Adopts a waiver policy (减免政策) on a decision; apply it with applyWaiverPolicy.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async adoptWaiverPolicy(@Args('input') input: AdoptWaiverPolicyInput, @CurrentActor() actor: Actor): Promise<DuesCommandPayload> {
    const { commandId, ...fields } = input;
    const result = await this.commandBus.execute(new AdoptWaiverPolicyCommand(
      {
        type: 'AdoptWaiverPolicy',
        ...fields,
        sizeClassPercents: (fields.sizeClassPercents ?? []).map((p) => ({ sizeClass: p.sizeClass, percent: p.percent })),
        decision: decisionOf(fields.decision),
      },
      actor,
      commandId,
    ));
    return { ...this.base(result), waiverPolicy: await this.readModel.waiverPolicy(fields.associationId, fields.policyId) };
  }

  @Mutation(() => DuesBulkPayload, { description: "Grants the policy's waiver on every invoiced account of its year; a re-run writes nothing." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async applyWaiverPolicy(@Args('input') input: ApplyWaiverPolicyInput, @CurrentActor() actor: Actor): Promise<DuesBulkPayload> {
    return bulkPayload(await this.commandBus.execute(new ApplyWaiverPolicyCommand({ associationId: input.associationId, policyId: input.policyId }, actor)));
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private async onAccount(
    command: ActOnDuesAccountCommand['input'],
    commandId: string | null | undefined,
    actor: Actor,
    waiverId: string | null = null,
  ): Promise<DuesCommandPayload> {
    const result = await this.commandBus.execute(new ActOnDuesAccountCommand(command, actor, commandId));
    return this.accountPayload(result, command, waiverId);
  }

  private async accountPayload(
    result: DispatchResult,
    key: { associationId: string; enterpriseCode: string; year: number },
    waiverId: string | null,
  ): Promise<DuesCommandPayload> {
    const code = normaliseCreditCode(key.enterpriseCode);
    const [account, waiver] = await Promise.all([
      this.readModel.account(key.associationId, code, key.year),
      waiverId ? this.readModel.waiver(key.associationId, code, key.year, waiverId) : Promise.resolve(null),
    ]);
    return { ...this.base(result), account, waiver };
  }

  private base(result: DispatchResult): DuesCommandPayload {
    return {
      ...payloadOf(result),
      warnings: [],
      account: null,
      waiver: null,
      feeSchedule: null,
      waiverPolicy: null,
    };
  }
}

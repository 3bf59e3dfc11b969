import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  addressedForYear,
  duesAccountDecider,
  duesAccountStreamId,
  DUES_COMMAND_NAMESPACE,
  invoiceDuesYearWorkflow,
  parseDuesYear,
  policyWaiverWorkflow,
} from '#domain/dues';
import { derivedCommandId } from '#platform';
import { DuesQueries, EnterpriseQueries, MembershipQueries } from '#projections';
import { type BulkOutcome, runBulk } from '../../commands/bulk.js';
import { EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { DUES_READS, DuesFacts } from '../dues.facts.js';

export class InvoiceDuesYearCommand extends UseCase<{ associationId: string; year: number }, BulkOutcome> {}
export class ApplyWaiverPolicyCommand extends UseCase<{ associationId: string; policyId: string }, BulkOutcome> {}

/** Invoices every active member of the association for the year; a re-run writes nothing. */
@CommandHandler(InvoiceDuesYearCommand)
export class InvoiceDuesYearHandler implements ICommandHandler<InvoiceDuesYearCommand, BulkOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: DuesFacts,
    private readonly memberships: MembershipQueries,
  ) {}

  async execute({ input: { associationId, year: rawYear }, actor }: InvoiceDuesYearCommand): Promise<BulkOutcome> {
    const year = parseDuesYear(rawYear);
    const [members, schedules] = await Promise.all([this.memberships.activeMembers(associationId), this.facts.schedules(associationId)]);
    const addressed = addressedForYear(members, year);
    const standing = new Map(addressed.map((m) => [m.enterpriseCode, { status: m.status, tier: m.tier ?? '', admittedOn: m.admittedOn }]));
    const items = addressed.map((m) => ({ associationId, enterpriseCode: m.enterpriseCode, year }));
    return runBulk(this.commands, invoiceDuesYearWorkflow, items, (command, commandId) =>
      this.commands.execute(
        duesAccountDecider({ membership: standing.get(command.enterpriseCode) ?? null, schedules }),
        duesAccountStreamId(associationId, command.enterpriseCode, year),
        { command, actor, commandId },
        [],
      ), DUES_READS);
  }
}

/** Grants the policy's waiver on every invoiced account of its year; one event per account, a re-run writes nothing. */
@CommandHandler(ApplyWaiverPolicyCommand)
export class ApplyWaiverPolicyHandler implements ICommandHandler<ApplyWaiverPolicyCommand, BulkOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: DuesFacts,
    private readonly accounts: DuesQueries,
    private readonly enterprises: EnterpriseQueries,
  ) {}

  async execute({ input: { associationId, policyId }, actor }: ApplyWaiverPolicyCommand): Promise<BulkOutcome> {
    const policy = await this.facts.policy(associationId, policyId);
    const codes = await this.accounts.invoicedAccounts(associationId, policy.year);
    const sizeClasses = await this.enterprises.sizeClasses(codes);
    const items = codes.map((enterpriseCode) => ({
      policy,
      enterpriseCode,
      sizeClass: sizeClasses.get(enterpriseCode) ?? null,
      waiverId: derivedCommandId(DUES_COMMAND_NAMESPACE, 'policy-waiver', associationId, policyId, enterpriseCode, policy.year),
    }));
    return runBulk(this.commands, policyWaiverWorkflow, items, (command, commandId) =>
      this.commands.execute(duesAccountDecider(), duesAccountStreamId(associationId, command.enterpriseCode, policy.year), { command, actor, commandId }, []), DUES_READS);
  }
}

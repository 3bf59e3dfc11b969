/*
 * Fixtures for the dues suites: an association with its charter, enterprises and admitted members, created
 * through the real command handler and the membership and enterprise deciders (the same events their
 * mutations write), so the membership, enterprise and dues read models are built by their projections.
 */
import { DuesAccountStream } from '#domain/dues';
import { enterpriseDecider, enterpriseStreamId, type SizeClass } from '#domain/enterprise';
import { associationDecider, associationStreamId, admitMemberDecider, membershipDecider, membershipStreamId } from '#domain/membership';
import { type Actor, withCheckCharacter } from '#domain/shared';
import { comparePositions, type Position } from '#eventstore';
import { CommandHandler } from '#platform';
import type { TestService } from '../support/service.js';

export const SEEDER: Actor = { userId: 'secretariat-seed', role: 'ADMIN', associationId: null };

export interface MemberSeed {
  readonly code: string;
  readonly sizeClass: SizeClass;
  readonly tier: 'MEMBER' | 'RESERVE';
  readonly admittedOn: string;
}

/** A valid, distinct credit code per (prefix, index). */
export function memberCode(prefix: string, index: number): string {
  return withCheckCharacter(`914201${prefix.padEnd(5, '0').slice(0, 5)}${String(index).padStart(6, '0')}`);
}

export class DuesFixtures {
  private readonly handler: CommandHandler;
  private last: Position | null = null;

  constructor(private readonly service: TestService) {
    this.handler = new CommandHandler(service.service.runtime.store, service.service.runtime.clock);
  }

  private note(position: Position | null): void {
    if (position !== null && comparePositions(position, this.last) > 0) this.last = position;
  }

  async association(associationId: string, waiverApprovers: string[], deemedWithdrawalYears: 1 | 2 = 2): Promise<void> {
    const result = await this.handler.handle(associationDecider, associationStreamId(associationId), {
      command: {
        type: 'RegisterAssociation',
        associationId,
        name: `${associationId} 建筑业协会`,
        regionCode: '420100',
        deemedWithdrawalYears,
        admissionBodies: ['COUNCIL', 'SECRETARIAT'],
        waiverApprovers,
      },
      actor: SEEDER,
    });
    this.note(result.position);
  }

  /** Registers the enterprise, has it apply and admits it; `concurrency` members at a time. */
  async members(associationId: string, seeds: readonly MemberSeed[], concurrency = 8): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < seeds.length) {
        const seed = seeds[next++]!;
        await this.member(associationId, seed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, seeds.length) }, worker));
  }

  private async member(associationId: string, seed: MemberSeed): Promise<void> {
    const registered = await this.handler.handle(enterpriseDecider, enterpriseStreamId(seed.code), {
      command: {
        type: 'RegisterEnterprise',
        code: seed.code,
        name: `会员企业${seed.code.slice(-7)}建设有限公司`,
        legalRepresentative: '张三',
        regionCode: '420106',
        ownership: 'PRIVATE',
        sizeClass: seed.sizeClass,
      },
      actor: SEEDER,
    });
    this.note(registered.position);
    const stream = membershipStreamId(associationId, seed.code);
    const appliedOn = `${seed.admittedOn.slice(0, 4)}-01-01`;
    await this.handler.handle(membershipDecider, stream, {
      command: { type: 'ApplyForMembership', associationId, enterpriseCode: seed.code, appliedOn, associationRegistered: true, enterpriseRegistered: true },
      actor: SEEDER,
    });
    const admitted = await this.handler.handleAcross(admitMemberDecider, {
      command: {
        type: 'AdmitMember',
        associationId,
        enterpriseCode: seed.code,
        tier: seed.tier,
        certificateNumber: `证-${seed.code.slice(-8)}`,
        admittedOn: seed.admittedOn,
        decision: { body: 'COUNCIL', reference: `理事会〔${seed.admittedOn.slice(0, 4)}〕1号`, decidedOn: seed.admittedOn },
        admissionBodies: ['COUNCIL', 'SECRETARIAT'],
      },
      actor: SEEDER,
    });
    this.note(admitted.position);
  }

  /** Waits until the membership and enterprise read models show everything seeded so far. */
  async settled(): Promise<void> {
    if (this.last === null) return;
    const reached = await this.service.service.runtime.waiter.waitFor(this.last, ['membership-register', 'enterprise-register'], 30_000);
    if (!reached) throw new Error('The membership and enterprise read models did not catch up with the seeded events.');
  }
}

export interface RecomputedYear {
  invoicedFen: number;
  collectedFen: number;
  waivedFen: number;
  waivedByReason: Record<string, number>;
  accounts: number;
}

/**
 * The year's dues figures recomputed from the events themselves (not the read models), for comparison with
 * what the annual report says.
 */
export async function recomputeFromEvents(service: TestService, associationId: string, year: number): Promise<RecomputedYear> {
  const all = await service.pool.query<{ stream_id: string; event_type: string; data: Record<string, unknown> }>(
    `SELECT stream_id, event_type, data FROM es_events WHERE starts_with(stream_id, $1) ORDER BY transaction_id, global_position`,
    [`${DuesAccountStream.category}-`],
  );
  const rows = {
    rows: all.rows.filter((row) => {
      const parts = DuesAccountStream.parse(row.stream_id);
      return parts !== null && parts[0] === associationId && parts[2] === String(year);
    }),
  };
  const result: RecomputedYear = { invoicedFen: 0, collectedFen: 0, waivedFen: 0, waivedByReason: {}, accounts: 0 };
  const reasonOf = new Map<string, string>();
  const add = (reason: string, amount: number) => {
    result.waivedFen += amount;
    result.waivedByReason[reason] = (result.waivedByReason[reason] ?? 0) + amount;
  };
  for (const { stream_id: stream, event_type: type, data } of rows.rows) {
    const amount = Number(data.amountFen ?? 0);
    const waiverKey = `${stream}/${String(data.waiverId)}`;
    switch (type) {
      case 'DuesInvoiced':
        result.invoicedFen += amount;
        result.accounts += 1;
        break;
      case 'DuesPaymentRecorded':
        result.collectedFen += amount;
        break;
      case 'DuesWaiverRequested':
        reasonOf.set(waiverKey, String(data.reasonCategory));
        break;
      case 'DuesWaiverGranted':
        reasonOf.set(waiverKey, String(data.reasonCategory));
        add(String(data.reasonCategory), amount);
        break;
      case 'DuesWaiverApproved':
        add(reasonOf.get(waiverKey)!, amount);
        break;
      case 'DuesWaiverRevoked':
        add(reasonOf.get(waiverKey)!, -amount);
        break;
    }
  }
  for (const [reason, amount] of Object.entries(result.waivedByReason)) if (amount === 0) delete result.waivedByReason[reason];
  return result;
}

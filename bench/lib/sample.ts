import { randomUUID } from 'node:crypto';
import { deterministicEventId, type EventToAppend } from '#eventstore';

/** The payload `bench/append.ts` uses: a member's dues payment with Chinese names, about 0.5 KB of JSON. */
export function sampleData(writer: number, n: number): Record<string, unknown> {
  return {
    memberId: `member-${writer}`,
    enterpriseName: '深圳市某某建设工程集团有限公司',
    unifiedSocialCreditCode: '91440300MA5XXXXXX1',
    invoiceNo: `2025-${writer}-${n}`,
    amountFen: 1_200_000 + n,
    year: 2025,
    method: 'bank_transfer',
    payer: { name: '张三', title: '财务经理', phone: '13800000000' },
    note: '会员年费（甲级），含行业信用评价服务费，按协会第三届理事会决议执行。',
  };
}

export function sampleMetadata(commandId: string): EventToAppend['metadata'] {
  return {
    actor: { userId: 'treasurer-1', role: 'ADMIN', associationId: 'assoc-sz' },
    commandId,
    correlationId: commandId,
    causationId: commandId,
    recordedAt: new Date().toISOString(),
  };
}

/** `count` events of one command (ids derived from the command id, as the command handler derives them). */
export function sampleEvents(streamId: string, writer: number, first: number, count: number): EventToAppend[] {
  const commandId = randomUUID();
  const metadata = sampleMetadata(commandId);
  return Array.from({ length: count }, (_, i) => ({
    id: deterministicEventId(commandId, streamId, i),
    type: 'DuesPaid',
    data: sampleData(writer, first + i),
    metadata,
  }));
}

/** Runs `body` as `writers` concurrent loops until `seconds` have passed; returns events/s and latencies. */
export async function timed(
  writers: number,
  seconds: number,
  body: (writer: number, n: number) => Promise<number>,
): Promise<{ eventsPerSecond: number; operations: number; latenciesMs: number[] }> {
  const latencies: number[] = [];
  let events = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; process.hrtime.bigint() < deadline; n++) {
        const t0 = process.hrtime.bigint();
        events += await body(writer, n);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: events / elapsed, operations: latencies.length, latenciesMs: latencies };
}

import kurrent from '@kurrent/kurrentdb-client';
import type { KurrentDBClient, ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { Seal, SealRecord } from './seal.js';
import { headsFromJson, headsToJson, SealConflictError, type SealStore } from './seal-store.js';

const { KurrentDBClient: Client, jsonEvent, StreamNotFoundError, WrongExpectedVersionError, BACKWARDS, END, FORWARDS, NO_STREAM } = kurrent;

/**
 * The KurrentDB store's seals: one stream (no `$`, so any client reads it as a plain stream), seal n at revision n - 1.
 * The event type starts with `$`, as the adapter's id claims do, so the `excludeSystemEvents()` filter of every $all
 * read keeps seals out of the global order they seal.
 */
export const SEAL_STREAM = 'registerSeals';
export const SEAL_EVENT_TYPE = '$registerSeal';

export class KurrentDbSealStore implements SealStore {
  private readonly client: KurrentDBClient;

  constructor(connectionString: string) {
    this.client = Client.connectionString(connectionString.replace(/^esdb(\+discover)?:/i, 'kurrentdb$1:'));
  }

  async list(options: { readonly after?: number | null; readonly first: number }): Promise<SealRecord[]> {
    if (!Number.isInteger(options.first) || options.first <= 0) throw new TypeError(`invalid page size: ${options.first}`);
    return this.read({ fromRevision: BigInt(options.after ?? 0), direction: FORWARDS, maxCount: options.first });
  }

  async latest(): Promise<SealRecord | null> {
    return (await this.read({ fromRevision: END, direction: BACKWARDS, maxCount: 1 }))[0] ?? null;
  }

  async record(record: SealRecord): Promise<void> {
    const { sequence } = record.seal;
    const event = jsonEvent({ type: SEAL_EVENT_TYPE, data: { seal: record.seal, headsChanged: headsToJson(record.headsChanged) } });
    try {
      await this.client.appendToStream(SEAL_STREAM, [event], { streamState: sequence === 1 ? NO_STREAM : BigInt(sequence - 2) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new SealConflictError(sequence);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async read(options: Parameters<KurrentDBClient['readStream']>[1]): Promise<SealRecord[]> {
    const out: SealRecord[] = [];
    try {
      for await (const resolved of this.client.readStream(SEAL_STREAM, options) as AsyncIterable<ResolvedEvent>) {
        const data = resolved.event?.data as { seal: Seal; headsChanged: unknown } | undefined;
        if (resolved.event?.type !== SEAL_EVENT_TYPE || !data) continue;
        out.push({ seal: data.seal, headsChanged: headsFromJson(data.headsChanged) });
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }
}

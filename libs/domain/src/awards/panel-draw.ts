import { sha256, sha256Hex, fromHex } from './sha256.js';

/**
 * The panel draw (专家抽取): pure, deterministic and replayable. Given the same recorded inputs anyone gets the same
 * panel, so an auditor can check that a panel was drawn and not chosen. The specification, complete enough to
 * reimplement in another language:
 *
 * 1. Seed: 32 bytes chosen at random by the caller, written as 64 lower-case hex digits, recorded with the draw.
 * 2. Word stream: block b (b = 0, 1, 2, …) is SHA-256(seed bytes ‖ b as 4 bytes big-endian); word p of the stream
 *    is the big-endian unsigned 32-bit integer at bytes 4·(p mod 8) … 4·(p mod 8)+3 of block ⌊p / 8⌋. A draw starts
 *    at a recorded position and consumes words one by one; a later draw for the same entry (a replacement after a
 *    recusal) starts where the previous one stopped, so the seed stream is never reused.
 * 3. Uniform choice among n candidates (rejection sampling, no modulo bias): take the next word w; if
 *    w ≥ 2^32 − (2^32 mod n) reject it and take the next; otherwise the choice is w mod n.
 * 4. Candidates: the pool snapshot ordered by expertId (ascending UTF-16 code units), less every expert with at
 *    least one exclusion ground (all grounds of an expert are recorded, in the order of EXCLUSION_GROUNDS):
 *    SUSPENDED / RETIRED (status not ACTIVE), SPECIALTY_MISMATCH (the entry's specialty not among theirs),
 *    EMPLOYED_BY_APPLICANT, EMPLOYED_BY_BUILDER (employer code equal to that firm's), DECLARED_CONFLICT (a declared
 *    conflict with the applicant or the builder whose period from…to, inclusive, to open when null, holds the check
 *    date), ALREADY_ON_PANEL, RECUSED.
 * 5. Selection: repeat `size` times: choose i uniformly among the remaining candidates (3.), take candidate i out of
 *    the list and append it to the panel. The panel is listed in draw order.
 * 6. Pool digest: SHA-256 of the canonical JSON of the snapshot (experts ordered by expertId, keys in the order of
 *    `PoolExpert`, specialties sorted, conflicts ordered by enterpriseCode then from), hex.
 */

export const EXPERT_STATUSES = ['ACTIVE', 'SUSPENDED', 'RETIRED'] as const;
export type ExpertStatus = (typeof EXPERT_STATUSES)[number];

export interface DeclaredConflict {
  readonly enterpriseCode: string;
  readonly reason: string;
  /** First day of the conflict, YYYY-MM-DD. */
  readonly from: string;
  /** Last day, inclusive; null while it lasts. */
  readonly to: string | null;
}

/** One expert of the pool as the draw sees them (the awards application maps the expert pool's rows to this). */
export interface PoolExpert {
  readonly expertId: string;
  /** The expert's id in the persons register: no name or identity number is held here. */
  readonly personId: string;
  readonly specialties: readonly string[];
  /** Unified social credit code of the expert's employer, or null (retired, independent). */
  readonly employerCode: string | null;
  readonly status: ExpertStatus;
  readonly conflicts: readonly DeclaredConflict[];
}

export const EXCLUSION_GROUNDS = [
  'SUSPENDED',
  'RETIRED',
  'SPECIALTY_MISMATCH',
  'EMPLOYED_BY_APPLICANT',
  'EMPLOYED_BY_BUILDER',
  'DECLARED_CONFLICT',
  'ALREADY_ON_PANEL',
  'RECUSED',
] as const;
export type ExclusionGround = (typeof EXCLUSION_GROUNDS)[number];

export interface PanelExclusion {
  readonly expertId: string;
  readonly grounds: readonly ExclusionGround[];
}

/** Everything a draw depends on: recorded with it, so it can be replayed. */
export interface PanelDrawInput {
  readonly seed: string;
  readonly pool: readonly PoolExpert[];
  readonly specialty: string;
  readonly applicantCode: string;
  /** The builder (施工单位) of a project entry; null when the entry has none. */
  readonly builderCode: string | null;
  /** The date conflicts are judged on, YYYY-MM-DD. */
  readonly checkDate: string;
  readonly size: number;
  /** Experts already on the panel (a replacement draw), excluded as ALREADY_ON_PANEL. */
  readonly onPanel: readonly string[];
  /** Experts who recused themselves from this entry, excluded as RECUSED. */
  readonly recused: readonly string[];
  /** First word of the seed stream this draw may use (0 for the first draw of an entry). */
  readonly startPosition: number;
}

export interface PanelDrawOutput {
  /** The experts drawn, in draw order. */
  readonly panel: readonly string[];
  readonly exclusions: readonly PanelExclusion[];
  /** The next unused word of the seed stream: where a later draw for the entry starts. */
  readonly endPosition: number;
  readonly poolDigest: string;
}

export type PanelDrawRecord = PanelDrawInput & PanelDrawOutput;

export const SEED = /^[0-9a-f]{64}$/;

/** Thrown when the pool holds fewer candidates than the panel needs (the decider turns it into a rule refusal). */
export class PoolTooSmall extends Error {
  override readonly name = 'PoolTooSmall';
  constructor(
    readonly candidates: number,
    readonly needed: number,
    readonly exclusions: readonly PanelExclusion[],
  ) {
    super(`The pool holds ${candidates} eligible experts; the panel needs ${needed}.`);
  }
}

/** The word stream of a seed (step 2). */
export class SeedStream {
  private readonly seed: Uint8Array;
  private block = -1;
  private words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(32));
  constructor(
    seedHex: string,
    private position: number,
  ) {
    if (!SEED.test(seedHex)) throw new Error('A seed is 64 lower-case hex digits.');
    this.seed = fromHex(seedHex);
  }

  get next(): number {
    return this.position;
  }

  word(): number {
    const block = Math.floor(this.position / 8);
    if (block !== this.block) {
      const input = new Uint8Array(36);
      input.set(this.seed);
      new DataView(input.buffer).setUint32(32, block);
      this.words = new DataView(sha256(input).buffer);
      this.block = block;
    }
    const value = this.words.getUint32((this.position % 8) * 4);
    this.position++;
    return value;
  }

  /** Step 3: a uniform choice in 0 … n−1 by rejection sampling. */
  below(n: number): number {
    const range = 0x100000000;
    const limit = range - (range % n);
    for (;;) {
      const w = this.word();
      if (w < limit) return w % n;
    }
  }
}

function conflictHolds(conflict: DeclaredConflict, codes: readonly string[], date: string): boolean {
  return codes.includes(conflict.enterpriseCode) && conflict.from <= date && (conflict.to === null || date <= conflict.to);
}

/** Step 4: the grounds that keep an expert off this panel, in the order of EXCLUSION_GROUNDS. */
export function exclusionGrounds(expert: PoolExpert, input: Omit<PanelDrawInput, 'seed' | 'pool' | 'size' | 'startPosition'>): ExclusionGround[] {
  const grounds: ExclusionGround[] = [];
  if (expert.status === 'SUSPENDED') grounds.push('SUSPENDED');
  if (expert.status === 'RETIRED') grounds.push('RETIRED');
  if (!expert.specialties.includes(input.specialty)) grounds.push('SPECIALTY_MISMATCH');
  if (expert.employerCode !== null && expert.employerCode === input.applicantCode) grounds.push('EMPLOYED_BY_APPLICANT');
  if (expert.employerCode !== null && input.builderCode !== null && expert.employerCode === input.builderCode) grounds.push('EMPLOYED_BY_BUILDER');
  const firms = input.builderCode === null ? [input.applicantCode] : [input.applicantCode, input.builderCode];
  if (expert.conflicts.some((c) => conflictHolds(c, firms, input.checkDate))) grounds.push('DECLARED_CONFLICT');
  if (input.onPanel.includes(expert.expertId)) grounds.push('ALREADY_ON_PANEL');
  if (input.recused.includes(expert.expertId)) grounds.push('RECUSED');
  return grounds;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Step 6: the snapshot in canonical form, and its digest. */
export function canonicalPool(pool: readonly PoolExpert[]): PoolExpert[] {
  return [...pool]
    .sort((a, b) => byCodeUnits(a.expertId, b.expertId))
    .map((e) => ({
      expertId: e.expertId,
      personId: e.personId,
      specialties: [...e.specialties].sort(byCodeUnits),
      employerCode: e.employerCode,
      status: e.status,
      conflicts: [...e.conflicts]
        .sort((a, b) => byCodeUnits(a.enterpriseCode, b.enterpriseCode) || byCodeUnits(a.from, b.from))
        .map((c) => ({ enterpriseCode: c.enterpriseCode, reason: c.reason, from: c.from, to: c.to })),
    }));
}

export function poolDigest(pool: readonly PoolExpert[]): string {
  return sha256Hex(JSON.stringify(canonicalPool(pool)));
}

/** Draws a panel (steps 4 and 5). Throws PoolTooSmall when fewer candidates remain than the panel needs. */
export function drawPanel(input: PanelDrawInput): PanelDrawRecord {
  const pool = canonicalPool(input.pool);
  const exclusions: PanelExclusion[] = [];
  const candidates: string[] = [];
  for (const expert of pool) {
    const grounds = exclusionGrounds(expert, input);
    if (grounds.length > 0) exclusions.push({ expertId: expert.expertId, grounds });
    else candidates.push(expert.expertId);
  }
  if (candidates.length < input.size) throw new PoolTooSmall(candidates.length, input.size, exclusions);
  const stream = new SeedStream(input.seed, input.startPosition);
  const panel: string[] = [];
  for (let k = 0; k < input.size; k++) panel.push(candidates.splice(stream.below(candidates.length), 1)[0]!);
  return {
    seed: input.seed,
    pool,
    specialty: input.specialty,
    applicantCode: input.applicantCode,
    builderCode: input.builderCode,
    checkDate: input.checkDate,
    size: input.size,
    onPanel: [...input.onPanel],
    recused: [...input.recused],
    startPosition: input.startPosition,
    panel,
    exclusions,
    endPosition: stream.next,
    poolDigest: sha256Hex(JSON.stringify(pool)),
  };
}

export interface PanelReplay {
  readonly reproduces: boolean;
  /** What the recorded inputs give (null when they no longer give any panel). */
  readonly recomputed: PanelDrawOutput | null;
  /** The recorded outputs that differ from the recomputed ones. */
  readonly differences: readonly ('panel' | 'exclusions' | 'endPosition' | 'poolDigest')[];
}

/** Replays a recorded draw from its recorded inputs and compares every output. */
export function replayPanelDraw(recorded: PanelDrawRecord): PanelReplay {
  let recomputed: PanelDrawRecord;
  try {
    recomputed = drawPanel(recorded);
  } catch {
    return { reproduces: false, recomputed: null, differences: ['panel'] };
  }
  const same = (a: unknown, b: unknown) => sortedKeysJson(a) === sortedKeysJson(b);
  const differences = (['panel', 'exclusions', 'endPosition', 'poolDigest'] as const).filter((k) => !same(recorded[k], recomputed[k]));
  const { panel, exclusions, endPosition, poolDigest: digest } = recomputed;
  return { reproduces: differences.length === 0, recomputed: { panel, exclusions, endPosition, poolDigest: digest }, differences };
}

/**
 * JSON with every object's keys in code-unit order: a record read back from a store may hold its keys in another
 * order than it was written with (Postgres jsonb orders them by length), which is no difference.
 */
function sortedKeysJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodeUnits(a, b)))
      : v,
  );
}

/** Replays the draw a recorded AwardPanelDrawn or AwardReplacementDrawn event holds. */
export function replayRecordedDraw(event: { readonly type: 'AwardPanelDrawn' | 'AwardReplacementDrawn'; readonly data: { readonly draw: PanelDrawRecord } }): PanelReplay {
  return replayPanelDraw(event.data.draw);
}

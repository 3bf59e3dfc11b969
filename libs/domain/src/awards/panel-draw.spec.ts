import { describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '../shared/index.js';
import { drawPanel, type PanelDrawInput, poolDigest, type PoolExpert, PoolTooSmall, replayPanelDraw, SeedStream } from './panel-draw.js';
import { sha256Hex, toHex, sha256, utf8 } from './sha256.js';

const APPLICANT = withCheckCharacter('91420100MA4K00001');
const BUILDER = withCheckCharacter('91420100MA4K00002');
const OTHER = withCheckCharacter('91420100MA4K00003');
const SEED = 'ab'.repeat(32);

const expert = (n: number, overrides: Partial<PoolExpert> = {}): PoolExpert => ({
  expertId: `E${String(n).padStart(2, '0')}`,
  personId: `PSN${String(n).padStart(16, '0')}`,
  specialties: ['CIVIL'],
  employerCode: OTHER,
  status: 'ACTIVE',
  conflicts: [],
  ...overrides,
});
const POOL = Array.from({ length: 20 }, (_, i) => expert(i + 1));

const input = (overrides: Partial<PanelDrawInput> = {}): PanelDrawInput => ({
  seed: SEED,
  pool: POOL,
  specialty: 'CIVIL',
  applicantCode: APPLICANT,
  builderCode: BUILDER,
  checkDate: '2026-03-02',
  size: 5,
  onPanel: [],
  recused: [],
  startPosition: 0,
  ...overrides,
});

describe('SHA-256 in plain TypeScript (FIPS 180-4 test vectors)', () => {
  it('hashes the standard messages', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
    expect(sha256Hex('评优评奖')).toBe('3978adc4e7a0b187d1b43344f7e51eb221981b08a13cf2ddf2a562ba9ede2a17');
  });

  it('gives the word stream of the specification: block b = SHA-256(seed ‖ b as 4 bytes big-endian)', () => {
    const seed = Uint8Array.from({ length: 32 }, () => 0xab);
    const block = (b: number) => {
      const bytes = new Uint8Array(36);
      bytes.set(seed);
      new DataView(bytes.buffer).setUint32(32, b);
      return toHex(sha256(bytes));
    };
    expect(block(0)).toBe('53a4a6e0391a5c8b78798df206bbf76449f7b794cd2497ebe789abbea1dece94');
    const stream = new SeedStream(SEED, 7);
    expect(stream.word()).toBe(0xa1dece94);
    expect(stream.word()).toBe(0x2d2f0cb9); // position 8: the first word of block 1
    expect(block(1).slice(0, 8)).toBe('2d2f0cb9');
    expect(utf8('é')).toEqual(Uint8Array.from([0xc3, 0xa9]));
  });
});

describe('the panel draw', () => {
  it('draws the panel an independent implementation of the specification draws from the same seed and pool', () => {
    // Reference computed outside this code base (Python hashlib) from the written specification.
    const drawn = drawPanel(input());
    expect(drawn.panel).toEqual(['E13', 'E16', 'E01', 'E17', 'E06']);
    expect(drawn.endPosition).toBe(5);
    expect(drawn.exclusions).toEqual([]);
  });

  it('is deterministic: the same inputs in any pool order give the same panel, another seed another one', () => {
    const a = drawPanel(input());
    const b = drawPanel(input({ pool: [...POOL].reverse() }));
    expect(b.panel).toEqual(a.panel);
    expect(b.poolDigest).toBe(a.poolDigest);
    expect(drawPanel(input({ seed: 'cd'.repeat(32) })).panel).not.toEqual(a.panel);
  });

  it('replays a recorded draw and says so; a tampered panel, pool or seed does not reproduce', () => {
    const recorded = drawPanel(input());
    expect(replayPanelDraw(recorded)).toMatchObject({ reproduces: true, differences: [] });
    expect(replayPanelDraw({ ...recorded, panel: ['E02', 'E16', 'E01', 'E17', 'E06'] })).toMatchObject({ reproduces: false, differences: ['panel'] });
    expect(replayPanelDraw({ ...recorded, seed: 'cd'.repeat(32) }).reproduces).toBe(false);
    const swapped = recorded.pool.map((e) => (e.expertId === 'E13' ? { ...e, status: 'SUSPENDED' as const } : e));
    expect(replayPanelDraw({ ...recorded, pool: swapped }).differences).toEqual(expect.arrayContaining(['panel', 'exclusions', 'poolDigest']));
  });

  it('replays a draw read back with its keys in another order (as a jsonb column returns them)', () => {
    const recorded = drawPanel(input({ pool: [...POOL, expert(90, { employerCode: APPLICANT }), expert(91, { status: 'RETIRED' })] }));
    const reordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reordered)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]))
          : value;
    expect(recorded.exclusions.length).toBeGreaterThan(0);
    expect(JSON.stringify(reordered(recorded.exclusions))).not.toBe(JSON.stringify(recorded.exclusions));
    expect(replayPanelDraw(reordered(recorded) as typeof recorded)).toMatchObject({ reproduces: true, differences: [] });
  });

  it('excludes and records the employer of the applicant, of the builder, a declared conflict in its period, the suspended, the retired and a wrong specialty', () => {
    const pool = [
      expert(1, { employerCode: APPLICANT }),
      expert(2, { employerCode: BUILDER }),
      expert(3, { conflicts: [{ enterpriseCode: BUILDER, reason: 'former employee', from: '2025-01-01', to: null }] }),
      expert(4, { conflicts: [{ enterpriseCode: APPLICANT, reason: 'consultancy', from: '2020-01-01', to: '2024-12-31' }] }),
      expert(5, { status: 'SUSPENDED' }),
      expert(6, { status: 'RETIRED' }),
      expert(7, { specialties: ['ELECTRICAL'] }),
      expert(8, { employerCode: APPLICANT, status: 'RETIRED' }),
      expert(9),
      expert(10),
    ];
    const drawn = drawPanel(input({ pool, size: 3 }));
    expect(drawn.exclusions).toEqual([
      { expertId: 'E01', grounds: ['EMPLOYED_BY_APPLICANT'] },
      { expertId: 'E02', grounds: ['EMPLOYED_BY_BUILDER'] },
      { expertId: 'E03', grounds: ['DECLARED_CONFLICT'] },
      { expertId: 'E05', grounds: ['SUSPENDED'] },
      { expertId: 'E06', grounds: ['RETIRED'] },
      { expertId: 'E07', grounds: ['SPECIALTY_MISMATCH'] },
      { expertId: 'E08', grounds: ['RETIRED', 'EMPLOYED_BY_APPLICANT'] },
    ]);
    // E04's conflict ended before the check date: E04 may sit.
    expect([...drawn.panel].sort()).toEqual(['E04', 'E09', 'E10']);
  });

  it('refuses a draw the pool cannot fill, naming how many could sit', () => {
    const pool = [expert(1), expert(2, { status: 'SUSPENDED' })];
    expect(() => drawPanel(input({ pool, size: 2 }))).toThrow(PoolTooSmall);
  });

  it('draws a replacement after a recusal from the same seed stream, where the first draw stopped', () => {
    const first = drawPanel(input());
    const replacement = drawPanel(
      input({ size: 1, onPanel: first.panel.filter((e) => e !== 'E16'), recused: ['E16'], startPosition: first.endPosition }),
    );
    // Reference from the same independent implementation: the 15 candidates left, from word 5 on.
    expect(replacement.panel).toEqual(['E18']);
    expect(replacement.startPosition).toBe(5);
    expect(replacement.endPosition).toBe(6);
    expect(replacement.exclusions.map((x) => [x.expertId, x.grounds])).toEqual([
      ['E01', ['ALREADY_ON_PANEL']],
      ['E06', ['ALREADY_ON_PANEL']],
      ['E13', ['ALREADY_ON_PANEL']],
      ['E16', ['RECUSED']],
      ['E17', ['ALREADY_ON_PANEL']],
    ]);
    expect(replayPanelDraw(replacement).reproduces).toBe(true);
  });

  it('chooses uniformly: rejection sampling skips the words above the largest multiple of n', () => {
    // With n = 3, 2^32 mod 3 = 1: only the word 0xFFFFFFFF is rejected; every choice is below n.
    const stream = new SeedStream(SEED, 0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[stream.below(3)]!++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3000);
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(poolDigest(POOL)).toMatch(/^[0-9a-f]{64}$/);
  });
});

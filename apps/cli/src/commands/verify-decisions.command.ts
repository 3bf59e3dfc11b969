import { parseArgs } from 'node:util';
import type { DecisionCheck, DecisionReplayResult } from '#application';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseJson, databaseLine, openCliInfrastructure } from './database.js';

export const verifyDecisionsCommand: CliCommand = {
  name: 'verify-decisions',
  summary:
    'Re-run every computed decision (credit grades and ratings, policy waivers, deemed withdrawals, council elections, ranking lists and errata, award rankings, results and grants, panel draws) from its recorded inputs and rule version; report each mismatch with its stream, event and difference.',
  usage: '[--association ID] [--json]',
  options: [
    ['--association ID', "Check only this association's decisions (every event is still read: inputs may lie elsewhere)."],
    ['--json', 'Print the result as JSON (with "status" and "database").'],
  ],
  notes: [
    'It reads the event store `start` uses with the same settings, in its global order, and prints which one first.\n' +
      'Progress goes to standard error. A decision whose event does not record enough to re-run it (an older shape)\n' +
      'is listed as not recomputable, with the reason; it is not counted as a match.',
    'Exit codes: 0 no mismatch, 1 mismatches found or could not check (no database, refused), 64 bad arguments.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: { association: { type: 'string' }, json: { type: 'boolean' } } }));
    if (values.association !== undefined && values.association.trim() === '') throw new CliUsageError('--association needs an association id.');
    const [{ loadConfig }, { DecisionReplay }] = await Promise.all([import('#platform'), import('#application')]);
    const infrastructure = await openCliInfrastructure(loadConfig());
    try {
      process.stderr.write(`${databaseLine(infrastructure)}\n`);
      const total = await countEvents(infrastructure.store);
      const progress = progressLine(total);
      let result: DecisionReplayResult;
      try {
        result = await new DecisionReplay(infrastructure.store).run({ associationId: values.association ?? null, onProgress: progress.update });
      } finally {
        progress.finish();
      }
      const mismatches = result.findings.filter((f) => f.outcome === 'MISMATCH').length;
      const status = mismatches > 0 ? 'mismatches' : 'consistent';
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ status, mismatches, database: databaseJson(infrastructure), associationId: values.association ?? null, ...result }, null, 2)}\n`);
      } else {
        process.stdout.write(describe(result, mismatches, values.association));
      }
      return mismatches > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await infrastructure.close();
    }
  },
};

async function countEvents(store: { countEventsAfter(after: null, cap: number): Promise<number> }): Promise<number> {
  try {
    return await store.countEventsAfter(null, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    // A database no service has started yet has no event store tables: it holds no events.
    if ((error as { code?: unknown }).code === '42P01') return 0;
    throw error;
  }
}

/** "events read / total" on standard error: redrawn in place on a terminal, a line every 5 s otherwise. */
function progressLine(total: number): { update: (read: number) => void; finish: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let open = false;
  const line = (read: number) => `Replaying decisions: ${read} of ${total} events read${total > 0 ? ` (${Math.floor((read * 100) / total)} %)` : ''}`;
  return {
    update(read) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 5_000) && read < total) return;
      last = now;
      if (tty) {
        process.stderr.write(`\r\u001b[2K${line(read)}`);
        open = true;
      } else {
        process.stderr.write(`${line(read)}\n`);
      }
    },
    finish() {
      if (open) process.stderr.write('\n');
      open = false;
    },
  };
}

const KIND_NAMES: Record<DecisionCheck['kind'], string> = {
  CREDIT_GRADE: 'credit grades and overrides',
  CREDIT_RATING: 'credit ratings issued and downgraded',
  POLICY_WAIVER: 'waivers granted by a policy',
  DEEMED_WITHDRAWAL: 'deemed withdrawals',
  ELECTION_RESULT: 'council election results',
  RANKING_LIST: 'ranking lists and their errata',
  AWARD_RANKING: 'award rankings',
  AWARD_RESULTS: 'award result lists at notice and publication',
  AWARD_GRANT: 'awards granted',
  PANEL_DRAW: 'panel draws replayed from their seeds',
};

function describe(result: DecisionReplayResult, mismatches: number, associationId: string | undefined): string {
  const lines = [
    `${mismatches === 0 ? 'Consistent' : 'MISMATCHES'}: ${result.decisionsChecked} decisions re-run${associationId ? ` for ${associationId}` : ''} ` +
      `from ${result.eventsRead} events, ${mismatches} mismatch${mismatches === 1 ? '' : 'es'}.`,
  ];
  for (const [kind, t] of Object.entries(result.byKind) as [DecisionCheck['kind'], DecisionReplayResult['byKind'][DecisionCheck['kind']]][]) {
    lines.push(`  ${KIND_NAMES[kind]}: ${t.checked} checked, ${t.matched} match, ${t.mismatched} mismatch, ${t.notRecomputable} not recomputable`);
  }
  for (const f of result.findings) {
    const where = `${f.eventType} at stream ${f.streamId}, revision ${f.revision} (event ${f.eventId}, position ${f.position})`;
    lines.push('', `${f.outcome === 'MISMATCH' ? 'MISMATCH' : 'NOT RECOMPUTABLE'} ${f.kind}: ${where}`);
    if (f.reason) lines.push(`  ${f.reason}`);
    for (const d of f.differences) lines.push(`  ${d.field}: recorded ${JSON.stringify(d.recorded)}, recomputed ${JSON.stringify(d.recomputed)}`);
  }
  return `${lines.join('\n')}\n`;
}

import type { RebuildProgress } from './rebuild.js';
import { monotonicNow } from './timing.js';
import type { MonotonicNow } from './timing.js';

/** Where progress goes: a terminal (redrawn bar) or anything else (a line now and then). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressRendererOptions {
  /** Default process.stderr. */
  readonly stream?: ProgressStream;
  /** Bar width in characters (default: fits the terminal, at most 30). */
  readonly barWidth?: number;
  /** Minimum time between two redraws on a terminal (default 100 ms). */
  readonly redrawMs?: number;
  /** Minimum time between two lines when not a terminal (default 5 s). */
  readonly lineIntervalMs?: number;
  readonly now?: MonotonicNow;
}

export interface ProgressRenderer {
  /** Pass to `rebuildProjection({ onProgress })`. */
  readonly update: (progress: RebuildProgress) => void;
  /** Ends the current bar (call on failure; `done` progress ends it by itself). */
  finish(): void;
}

/**
 * Renders rebuild progress: on a terminal, one redrawn line with a bar, events/s and ETA per projection;
 * elsewhere (CI logs, files), a plain line per phase change and at most one per `lineIntervalMs` in between.
 */
export function createProgressRenderer(options: ProgressRendererOptions = {}): ProgressRenderer {
  const stream: ProgressStream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const now = options.now ?? monotonicNow;
  const redrawMs = options.redrawMs ?? 100;
  const lineIntervalMs = options.lineIntervalMs ?? 5_000;
  let open = false;
  let lastWrite = -Infinity;
  let lastKey = '';

  const finish = () => {
    if (open && tty) stream.write('\n');
    open = false;
  };

  const update = (progress: RebuildProgress) => {
    const key = `${progress.projection}\u0000${progress.phase}`;
    const changed = key !== lastKey;
    const final = progress.phase === 'done';
    const t = now();
    if (!changed && !final && t - lastWrite < (tty ? redrawMs : lineIntervalMs)) return;
    if (changed && lastKey && !lastKey.startsWith(`${progress.projection}\u0000`)) finish();
    lastKey = key;
    lastWrite = t;
    if (tty) {
      const width = options.barWidth ?? Math.max(10, Math.min(30, (stream.columns ?? 80) - 70));
      stream.write(`\r\u001b[2K${formatProgress(progress, width)}`);
      open = true;
      if (final) finish();
    } else {
      stream.write(`${formatProgress(progress, null)}\n`);
    }
  };

  return { update, finish };
}

/** One line: name, phase, bar (when `barWidth` is given), percentage, counts, rate and ETA. */
export function formatProgress(progress: RebuildProgress, barWidth: number | null): string {
  const { eventsDone, eventsTotal } = progress;
  const fraction =
    progress.phase === 'done' ? 1 : eventsTotal && eventsTotal > 0 ? Math.min(1, eventsDone / eventsTotal) : eventsTotal === 0 ? 1 : null;
  const parts = [`${progress.projection} v${progress.version}`, progress.phase.padEnd(9)];
  if (barWidth !== null) parts.push(bar(fraction, barWidth));
  parts.push(fraction === null ? '   ?  ' : `${(fraction * 100).toFixed(1).padStart(5)}%`);
  parts.push(`${groupDigits(eventsDone)}${eventsTotal === null ? '' : `/${groupDigits(eventsTotal)}`} events`);
  parts.push(`${groupDigits(Math.round(progress.eventsPerSecond))} ev/s`);
  parts.push(progress.phase === 'done' ? `in ${duration(progress.elapsedSeconds)}` : `ETA ${progress.etaSeconds === null ? '--:--' : duration(progress.etaSeconds)}`);
  return parts.join('  ');
}

function bar(fraction: number | null, width: number): string {
  const filled = fraction === null ? 0 : Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** m:ss, or h:mm:ss from an hour up. */
export function duration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

import { describe, expect, it } from '@jest/globals';
import { createProgressRenderer, duration, formatProgress } from './progress.js';
import type { ProgressStream } from './progress.js';
import type { RebuildProgress } from './rebuild.js';

function progress(overrides: Partial<RebuildProgress>): RebuildProgress {
  return {
    projection: 'member_directory',
    version: 3,
    phase: 'replaying',
    eventsDone: 0,
    eventsTotal: 20_000,
    eventsPerSecond: 0,
    etaSeconds: null,
    elapsedSeconds: 0,
    ...overrides,
  };
}

function stream(isTTY: boolean): ProgressStream & { output: string } {
  const target = {
    isTTY,
    columns: 100,
    output: '',
    write(chunk: string) {
      target.output += chunk;
      return true;
    },
  };
  return target;
}

describe('rebuild progress', () => {
  it('shows a bar, the counts, the rate and the time left', () => {
    const line = formatProgress(
      progress({ eventsDone: 5_000, eventsPerSecond: 1_250.4, etaSeconds: 12, elapsedSeconds: 4 }),
      20,
    );
    expect(line).toBe(
      'member_directory v3  replaying  [#####---------------]   25.0%  5,000/20,000 events  1,250 ev/s  ETA 0:12',
    );
  });

  it('shows no percentage or ETA before it knows them, and the total time once done', () => {
    expect(formatProgress(progress({ phase: 'counting', eventsTotal: null }), null)).toBe(
      'member_directory v3  counting      ?    0 events  0 ev/s  ETA --:--',
    );
    expect(
      formatProgress(progress({ phase: 'done', eventsDone: 20_000, eventsPerSecond: 800, elapsedSeconds: 3_725 }), 10),
    ).toBe('member_directory v3  done       [##########]  100.0%  20,000/20,000 events  800 ev/s  in 1:02:05');
    expect(duration(59.6)).toBe('1:00');
  });

  describe('on a terminal', () => {
    it('redraws one line at most every redraw interval and ends it when done', () => {
      let now = 0;
      const out = stream(true);
      const renderer = createProgressRenderer({ stream: out, barWidth: 10, redrawMs: 100, now: () => now });
      renderer.update(progress({ eventsDone: 0 }));
      now = 50;
      renderer.update(progress({ eventsDone: 1_000 })); // too soon: skipped
      now = 150;
      renderer.update(progress({ eventsDone: 2_000, eventsPerSecond: 1_000, etaSeconds: 18 }));
      now = 160;
      renderer.update(progress({ phase: 'done', eventsDone: 20_000, eventsPerSecond: 1_000, elapsedSeconds: 20 }));

      const frames = out.output.split('\r\u001b[2K').filter(Boolean);
      expect(frames).toHaveLength(3);
      expect(frames[1]).toContain('[#---------]');
      expect(frames[1]).toContain('ETA 0:18');
      expect(frames[2]).toMatch(/\[##########\].*in 0:20\n$/);
    });
  });

  describe('when not a terminal', () => {
    it('writes a line per phase and otherwise one per line interval', () => {
      let now = 0;
      const out = stream(false);
      const renderer = createProgressRenderer({ stream: out, lineIntervalMs: 5_000, now: () => now });
      renderer.update(progress({ phase: 'counting', eventsTotal: null }));
      renderer.update(progress({ eventsDone: 0 }));
      for (let done = 500; done <= 10_000; done += 500) {
        now += 1_000;
        renderer.update(progress({ eventsDone: done, eventsPerSecond: 500, etaSeconds: (20_000 - done) / 500 }));
      }
      renderer.update(progress({ phase: 'swapping', eventsDone: 20_000 }));
      renderer.update(progress({ phase: 'done', eventsDone: 20_000, elapsedSeconds: 40 }));

      const lines = out.output.trimEnd().split('\n');
      expect(lines.map((line) => line.split(/\s{2,}/)[1])).toEqual([
        'counting',
        'replaying', // the phase change
        'replaying', // then one per 5 s of the 20 s replay
        'replaying',
        'replaying',
        'replaying',
        'swapping',
        'done',
      ]);
      expect(out.output).not.toContain('\r');
      expect(out.output).not.toContain('[');
    });
  });
});

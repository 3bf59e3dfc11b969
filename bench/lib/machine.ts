import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const SETTINGS = [
  'server_version',
  'fsync',
  'synchronous_commit',
  'wal_sync_method',
  'full_page_writes',
  'commit_delay',
  'shared_buffers',
  'max_wal_size',
] as const;

export async function postgresSettings(db: pg.Pool): Promise<Record<string, string>> {
  const result = await db.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
    [SETTINGS],
  );
  return Object.fromEntries(result.rows.map((row) => [row.name, row.setting]));
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat; null elsewhere). */
export function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Share of all cores busy between two cpuTimes() readings, in percent. */
export function busyPercent(before: ReturnType<typeof cpuTimes>, after: ReturnType<typeof cpuTimes>): number {
  if (!before || !after || after.total === before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * 100;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU seconds used so far by `rootPid` and its direct children (Postgres: the postmaster, its backends and
 * background workers), per process, so that processes that exit between two readings do not count
 * negatively (Linux /proc; null elsewhere).
 */
export function processTreeCpu(rootPid: number | null): Map<number, number> | null {
  if (rootPid === null) return null;
  try {
    const seconds = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may contain spaces): state ppid ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid === rootPid || Number(fields[1]) === rootPid) {
        seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / USER_HZ);
      }
    }
    return seconds;
  } catch {
    return null;
  }
}

/** CPU seconds the process tree used between two processTreeCpu() readings. */
export function cpuSecondsBetween(before: Map<number, number> | null, after: Map<number, number> | null): number {
  if (!before || !after) return Number.NaN;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

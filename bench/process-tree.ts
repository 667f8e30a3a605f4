// Runs a command and samples the memory and CPU of it and all its descendants from /proc (Linux).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import type { Milliseconds } from '../src/engine/units';

/** What a command's process tree used. */
export interface TreeMeasurement {
  wallMs: Milliseconds;
  stdout: string;
  /** Largest sum of the processes' RSS seen at one sample (pages two processes share are counted in both). */
  peakRssMb: number;
  /**
   * Largest sum of the processes' PSS seen at one sample: each shared page counted once, split between the
   * processes that map it (every Node process maps the same ~35 MB of Node's own code).
   */
  peakPssMb: number;
  /**
   * Largest number of distinct physical pages the processes held at one sample (their RSS as if they were one
   * process: a page two of them share counted once, a page shared with a process outside the tree counted in
   * full), from /proc/PID/pagemap, which needs root; NaN when not asked for or not readable.
   */
  peakDistinctMb: number;
  /** Each process's own peak RSS (VmHWM), by process name. */
  processPeaksMb: Record<string, number>;
  /** CPU seconds (user + system) by process name. */
  cpuSeconds: Record<string, number>;
}

function readStatus(pid: number): { rssKb: number; hwmKb: number; name: string } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(/\s(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(name)) ?? '')?.[1] ?? 0);
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? String(pid);
    return { rssKb: field('VmRSS:'), hwmKb: field('VmHWM:'), name };
  } catch {
    return undefined;
  }
}

function pssKbOf(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const PAGE_BYTES = 4096;
/** Pages read from a pagemap at once (8 bytes each). */
const PAGEMAP_BATCH = 65536;

/**
 * Physical pages (as page frame numbers) resident in any of the processes, from /proc/PID/pagemap: the present
 * bit is 63 and the frame number bits 0-54 (zeroed for a reader without CAP_SYS_ADMIN, so undefined then).
 */
function distinctResidentPages(pids: number[]): number | undefined {
  const frames = new Set<number>();
  const words = new Uint32Array(PAGEMAP_BATCH * 2);
  const bytes = new Uint8Array(words.buffer);
  let presentWithoutFrame = false;
  for (const pid of pids) {
    let maps: string;
    let fd: number;
    try {
      maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
      fd = openSync(`/proc/${pid}/pagemap`, 'r');
    } catch {
      continue; // The process is gone.
    }
    try {
      for (const line of maps.split('\n')) {
        const range = /^([0-9a-f]+)-([0-9a-f]+)/.exec(line);
        if (!range || line.endsWith('[vsyscall]')) continue;
        const end = parseInt(range[2], 16) / PAGE_BYTES;
        for (let page = parseInt(range[1], 16) / PAGE_BYTES; page < end; page += PAGEMAP_BATCH) {
          const count = Math.min(PAGEMAP_BATCH, end - page);
          let read = 0;
          try {
            read = readSync(fd, bytes, 0, count * 8, page * 8);
          } catch {
            break;
          }
          for (let w = 0; w + 1 < read / 4; w += 2) {
            const high = words[w + 1];
            if (!(high & 0x80000000)) continue;
            const frame = (high & 0x7fffff) * 2 ** 32 + words[w];
            if (frame === 0) presentWithoutFrame = true;
            else frames.add(frame);
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  return presentWithoutFrame && frames.size === 0 ? undefined : frames.size;
}

/** User + system CPU seconds of a process so far (from /proc/PID/stat, in clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // The process is gone.
  }
  return children;
}

/** Runs a command to its end, sampling its process tree every `intervalMs`; rejects unless it exits with 0. */
export function measureTree(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; intervalMs?: Milliseconds; distinctIntervalMs?: Milliseconds } = {},
): Promise<TreeMeasurement> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-4000)));
    let peakRssKb = 0;
    let peakPssKb = 0;
    let peakDistinctPages: number | undefined;
    let lastDistinctAt = -Infinity;
    const peaks: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    const sample = (): void => {
      if (!child.pid) return;
      let rss = 0;
      let pss = 0;
      const pending = [child.pid];
      const tree: number[] = [];
      while (pending.length) {
        const pid = pending.pop() as number;
        tree.push(pid);
        const status = readStatus(pid);
        if (!status) continue;
        rss += status.rssKb;
        pss += pssKbOf(pid);
        const key = status.name;
        peaks[key] = Math.max(peaks[key] ?? 0, status.hwmKb / 1024);
        cpu[key] = Math.max(cpu[key] ?? 0, cpuSecondsOf(pid));
        pending.push(...childrenOf(pid));
      }
      peakRssKb = Math.max(peakRssKb, rss);
      peakPssKb = Math.max(peakPssKb, pss);
      // Reading every page table is costly (tens of ms): at its own, slower pace, and only when asked for.
      const now = performance.now();
      if (options.distinctIntervalMs !== undefined && now - lastDistinctAt >= options.distinctIntervalMs) {
        lastDistinctAt = now;
        const pages = distinctResidentPages(tree);
        if (pages !== undefined) peakDistinctPages = Math.max(peakDistinctPages ?? 0, pages);
      }
    };
    const timer = setInterval(sample, options.intervalMs ?? 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`${command} exited with ${code}: ${stderr}`));
      else resolvePromise({ wallMs, stdout, peakRssMb: peakRssKb / 1024, peakPssMb: peakPssKb / 1024, peakDistinctMb: peakDistinctPages === undefined ? NaN : (peakDistinctPages * PAGE_BYTES) / 2 ** 20, processPeaksMb: peaks, cpuSeconds: cpu });
    });
  });
}

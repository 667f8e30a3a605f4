// Records what the reliability tests observed, for bench/RELIABILITY.md. Only when PATCHSCOPE_RELIABILITY_LOG
// names a file (see bench/reliability-report.ts): a plain test run writes nothing outside its temp folders.
import { appendFileSync } from 'node:fs';

/** One observed case: where it ran, the input tried, what happened, what was left on disk. */
export interface ReliabilityRow {
  area: string;
  input: string;
  outcome: string;
  leftOnDisk: string;
}

/** Appends one observed case to the log named by PATCHSCOPE_RELIABILITY_LOG, if any. */
export function recordReliability(area: string, input: string, outcome: string, leftOnDisk: string): void {
  const log = process.env.PATCHSCOPE_RELIABILITY_LOG;
  if (!log) return;
  const row: ReliabilityRow = { area, input, outcome: outcome.replace(/\s+/g, ' ').trim(), leftOnDisk };
  appendFileSync(log, `${JSON.stringify(row)}\n`);
}

/** Outcome of one patch in a batch render. */
export interface BatchItem {
  patch: string;
  output?: string;
  seconds?: number;
  error?: string;
  /** The render's warnings (silence, clipping, memory), when it finished with any. */
  warnings?: string[];
}

/** Runs `task` over `items` with at most `limit` at once, in order of start; stops starting new ones when `signal` aborts. */
export async function forEachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The summary sentence of a batch render. */
export function batchSummary(items: readonly BatchItem[], total: number, wallSeconds: number, cancelled: boolean): string {
  const done = items.filter((item) => item.output).length;
  const failed = items.filter((item) => item.error).length;
  const audio = items.reduce((sum, item) => sum + (item.seconds ?? 0), 0);
  let text = `Rendered ${done} of ${total} patch${total === 1 ? '' : 'es'} to WAV (${audio.toFixed(1)} s of audio in ${wallSeconds.toFixed(1)} s)`;
  const warned = items.filter((item) => item.output && item.warnings && item.warnings.length > 0).length;
  if (failed > 0) text += `; ${failed} failed (see Problems)`;
  if (warned > 0) text += `; ${warned} with warnings (see Output)`;
  if (cancelled) text += '; cancelled';
  return `${text}.`;
}

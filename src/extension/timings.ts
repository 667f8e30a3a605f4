import type { RenderSummary } from '../shared/protocol';

/** How a render ended. */
export type RenderOutcome = 'running' | 'done' | 'error' | 'cancelled';

/** Timings of one live render, host and webview together (epoch milliseconds and durations in ms). */
export interface RenderTimings {
  renderId: number;
  patchPath: string;
  /** The edit (or command) this render reflects. */
  editAt: number;
  /** When the render was handed to the engine (after the debounce). */
  renderStartAt: number;
  firstChunkPostedAt?: number;
  firstChunkReceivedAt?: number;
  /** When the webview started the render's first AudioBufferSourceNode. */
  firstSoundAt?: number;
  finishedAt?: number;
  outcome: RenderOutcome;
  /** Edit to the first chunk posted to the webview. */
  editToFirstChunkMs?: number;
  /** Edit to the first AudioBufferSourceNode started in the webview. */
  editToFirstSoundMs?: number;
  /** Engine start to the first chunk posted (excludes the debounce wait). */
  renderStartToFirstChunkMs?: number;
  /** Engine start to the first sound (excludes the debounce wait). */
  renderStartToFirstSoundMs?: number;
  summary?: RenderSummary;
}

/** Keeps the timings of recent renders and tells listeners when they change. */
export class TimingsRecorder {
  private readonly records: RenderTimings[] = [];
  private readonly listeners = new Set<(timings: RenderTimings) => void>();

  constructor(private readonly capacity = 100) {}

  /** Records a render handed to the engine. */
  start(renderId: number, patchPath: string, editAt: number, renderStartAt: number): void {
    this.records.push({ renderId, patchPath, editAt, renderStartAt, outcome: 'running' });
    if (this.records.length > this.capacity) this.records.shift();
    this.changed(renderId);
  }

  /** Records the first chunk posted to the webview (later calls are ignored). */
  firstChunkPosted(renderId: number, at: number): void {
    const record = this.get(renderId);
    if (!record || record.firstChunkPostedAt !== undefined) return;
    record.firstChunkPostedAt = at;
    record.editToFirstChunkMs = at - record.editAt;
    record.renderStartToFirstChunkMs = at - record.renderStartAt;
    this.changed(renderId);
  }

  /** Records what the webview measured. */
  webviewTimings(renderId: number, firstChunkReceivedAt: number, firstSoundAt: number): void {
    const record = this.get(renderId);
    if (!record) return;
    record.firstChunkReceivedAt = firstChunkReceivedAt;
    record.firstSoundAt = firstSoundAt;
    record.editToFirstSoundMs = firstSoundAt - record.editAt;
    record.renderStartToFirstSoundMs = firstSoundAt - record.renderStartAt;
    this.changed(renderId);
  }

  /** Records how the render ended. */
  finish(renderId: number, outcome: Exclude<RenderOutcome, 'running'>, at: number, summary?: RenderSummary): void {
    const record = this.get(renderId);
    if (!record || record.outcome !== 'running') return;
    record.outcome = outcome;
    record.finishedAt = at;
    record.summary = summary;
    this.changed(renderId);
  }

  /** The record of one render. */
  get(renderId: number): RenderTimings | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i].renderId === renderId) return this.records[i];
    return undefined;
  }

  /** The newest record. */
  last(): RenderTimings | undefined {
    return this.records.at(-1);
  }

  /** Copies of every kept record, oldest first. */
  history(): RenderTimings[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** Calls `listener` with a record whenever it changes; returns an unsubscribe function. */
  onDidChange(listener: (timings: RenderTimings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(renderId: number): void {
    const record = this.get(renderId);
    if (record) for (const listener of this.listeners) listener(record);
  }
}

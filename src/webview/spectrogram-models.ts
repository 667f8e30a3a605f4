// The spectrogram model of each render the player may still show. No DOM: the page keeps one of these, and
// tests drive it with a Player.

import type { RenderBuffer } from './render-buffer';
import { SpectrogramModel, type SpectrogramConfig } from './spectrogram-model';

/** Spectrogram models by render id. */
export class SpectrogramModels {
  private readonly models = new Map<number, SpectrogramModel>();

  /** The model of a render, if it has one. */
  get(renderId: number): SpectrogramModel | undefined {
    return this.models.get(renderId);
  }

  /** Ids of the renders that have a model. */
  get renderIds(): number[] {
    return [...this.models.keys()];
  }

  /** Starts the model of a render whose length and rate are now known. */
  create(renderId: number, config: SpectrogramConfig, sampleRate: number, totalFrames: number | undefined): SpectrogramModel {
    const model = new SpectrogramModel(config, sampleRate, totalFrames);
    this.models.set(renderId, model);
    return model;
  }

  /**
   * Keeps the models of `renders` only: every render the player may still show (the heard one, the newest,
   * and the last complete one it falls back to), so a fallback never shows a render without its spectrogram.
   */
  retain(renders: readonly RenderBuffer[]): void {
    const keep = new Set(renders.map((buffer) => buffer.renderId));
    for (const renderId of [...this.models.keys()]) if (!keep.has(renderId)) this.models.delete(renderId);
  }

  /**
   * Recomputes, with new settings, the model of each of `renders` from the audio it still holds (from its first
   * kept frame), and drops every other model. A render with no model yet (its info has not arrived) gets none.
   */
  rebuild(config: SpectrogramConfig, renders: readonly RenderBuffer[]): void {
    this.retain(renders);
    for (const buffer of renders) {
      const old = this.models.get(buffer.renderId);
      if (!old) continue;
      const model = new SpectrogramModel(config, old.sampleRate, buffer.totalFrames ?? old.totalFrames, buffer.firstFrame);
      for (const chunk of buffer.chunksFrom(0)) model.push(chunk.channels);
      if (!buffer.growing) model.end();
      this.models.set(buffer.renderId, model);
    }
  }
}

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { colormap, DEFAULT_DB_RANGE, levelIndex } from '../../src/engine/colormap';
import { RenderPool } from '../../src/engine/render-pool';
import type { RenderedAudio } from '../../src/engine/render-types';
import { FrequencyScale } from '../../src/engine/spectrogram-scale';
import { mixToMono, stftOfSignal } from '../../src/engine/stft';
import type { PatchInfo } from '../../src/engine/render-types';
import { Player } from '../../src/webview/player';
import { chooseHop, MODEL_ROWS, SpectrogramModel, TILE_COLUMNS } from '../../src/webview/spectrogram-model';
import { SpectrogramModels } from '../../src/webview/spectrogram-models';
import { ClockContext, sineChunk } from './clock-context';

const PATCH = path.join(__dirname, '..', '..', 'examples', 'hello.synth.js');

describe('SpectrogramModel (live spectrogram pixels)', () => {
  let pool: RenderPool;
  let audio: RenderedAudio;

  before(async () => {
    pool = new RenderPool({ size: 1 });
    audio = await pool.renderOneShot({ path: PATCH });
  });
  after(() => pool.dispose());

  it('colours each column from the engine STFT, scale and colour map, whatever the chunking', () => {
    const config = { fftSize: 1024, scale: 'log' as const, colorMap: 'magma' as const };
    const { sampleRate, frames } = audio.info;
    const model = new SpectrogramModel(config, sampleRate, frames);
    // Uneven pieces, like a streamed render.
    let start = 0;
    for (const size of [2048, 777, 30000, 1, 64000]) {
      model.push(audio.channels.map((c) => c.subarray(start, Math.min(frames, start + size))));
      start = Math.min(frames, start + size);
    }
    model.push(audio.channels.map((c) => c.subarray(start)));
    model.end();
    model.compute(Infinity, () => 0);
    assert.equal(model.done, true);

    const hop = chooseHop(1024, frames);
    const reference = stftOfSignal(mixToMono(audio.channels), { fftSize: 1024, hop });
    assert.equal(model.columns, reference.length);
    assert.equal(model.tiles.length, Math.ceil(reference.length / TILE_COLUMNS));
    const scale = new FrequencyScale({ kind: 'log', rows: MODEL_ROWS, sampleRate, fftSize: 1024 });
    const { rgb } = colormap('magma');
    const levels = new Float32Array(MODEL_ROWS);
    let lit = 0;
    for (const column of [0, 17, 100, 281, reference.length - 1]) {
      scale.sample(reference[column], levels);
      for (let row = 0; row < MODEL_ROWS; row++) {
        const index = levelIndex(levels[row], DEFAULT_DB_RANGE);
        if (index > 128) lit++;
        assert.deepEqual(model.pixelAt(column, row), [rgb[index * 3], rgb[index * 3 + 1], rgb[index * 3 + 2]], `column ${column} row ${row}`);
      }
    }
    assert.ok(lit > 20, 'the patch lights part of the picture');
  });

  it('computes within a budget on the caller’s clock and resumes where it stopped', () => {
    const { sampleRate, frames } = audio.info;
    const config = { fftSize: 2048, scale: 'mel' as const, colorMap: 'viridis' as const };
    const whole = new SpectrogramModel(config, sampleRate, frames);
    whole.push(audio.channels);
    whole.end();
    whole.compute(Infinity, () => 0);

    const paced = new SpectrogramModel(config, sampleRate, frames);
    paced.push(audio.channels);
    paced.end();
    let ticks = 0;
    const clock = (): number => ticks++;
    const first = paced.compute(10, clock);
    assert.ok(first > 0 && first < whole.columns, `${first} columns in the first budget`);
    assert.equal(paced.hasWork, true);
    let rounds = 1;
    while (paced.hasWork) {
      paced.compute(10, clock);
      rounds++;
    }
    assert.ok(rounds > 2);
    assert.equal(paced.columns, whole.columns);
    for (let t = 0; t < whole.tiles.length; t++) assert.deepEqual(paced.tiles[t].pixels, whole.tiles[t].pixels, `tile ${t}`);
  });

  it('widens the hop for long renders so the picture stays bounded', () => {
    assert.equal(chooseHop(2048, 48000 * 3), 256);
    assert.ok(Math.ceil((48000 * 3600) / chooseHop(2048, 48000 * 3600)) <= 16384);
  });
});

describe('SpectrogramModel without a render', () => {
  const config = { fftSize: 512, scale: 'linear' as const, colorMap: 'magma' as const };
  const RATE = 48000;

  it('keeps at most its bound of samples waiting, with the same pixels', () => {
    const frames = 10 * RATE;
    const bounded = new SpectrogramModel(config, RATE, frames, 0, RATE);
    const free = new SpectrogramModel(config, RATE, frames, 0, Infinity);
    for (let start = 0; start < frames; start += 4800) {
      const chunk = sineChunk(start, 4800, RATE);
      bounded.push(chunk);
      free.push(chunk);
      assert.ok(bounded.queued <= RATE, `${bounded.queued} samples waiting`);
    }
    assert.equal(free.queued, frames, 'unbounded, everything waits for the animation frames');
    for (const model of [bounded, free]) {
      model.end();
      model.compute(Infinity, () => 0);
      assert.equal(model.done, true);
    }
    assert.equal(bounded.columns, free.columns);
    for (let t = 0; t < free.tiles.length; t++) assert.deepEqual(bounded.tiles[t].pixels, free.tiles[t].pixels, `tile ${t}`);
  });

  it('starts after dropped audio with the columns the whole signal has there', () => {
    const frames = 4 * RATE;
    const hop = chooseHop(config.fftSize, frames);
    const whole = new SpectrogramModel(config, RATE, frames);
    const startFrame = 2 * RATE + 100;
    const late = new SpectrogramModel(config, RATE, frames, startFrame);
    for (let start = 0; start < frames; start += 4800) {
      const chunk = sineChunk(start, 4800, RATE);
      whole.push(chunk);
      if (start >= 2 * RATE) late.push(start === 2 * RATE ? chunk.map((channel) => channel.subarray(100)) : chunk);
    }
    for (const model of [whole, late]) {
      model.end();
      model.compute(Infinity, () => 0);
      assert.equal(model.done, true);
    }
    assert.equal(late.columns, whole.columns, 'it ends where the whole signal ends');
    const first = Math.ceil(startFrame / hop);
    assert.equal(late.pixelAt(first - 1, 10), undefined, 'nothing before the audio kept');
    // The first columns' windows reach before the kept audio; from a full window on they are the same.
    const full = first + Math.ceil(config.fftSize / 2 / hop);
    for (const column of [full, full + 7, whole.columns - 1]) {
      for (let row = 0; row < MODEL_ROWS; row += 17) assert.deepEqual(late.pixelAt(column, row), whole.pixelAt(column, row), `column ${column} row ${row}`);
    }
  });
});

describe('SpectrogramModels (the page’s model of each render)', () => {
  const config = { fftSize: 512, scale: 'log' as const, colorMap: 'magma' as const };
  const RATE = 48000;
  const info = (frames: number): PatchInfo => ({ duration: frames / RATE, sampleRate: RATE, channels: 2, seed: 1, frames });

  /** The page's handling of the render messages, as app.ts does it. */
  function page(): { player: Player; models: SpectrogramModels; start(id: number, frames: number): void; chunks(id: number, from: number, to: number): void } {
    const context = new ClockContext();
    const player = new Player(context, context.destination, { now: () => 0 });
    const models = new SpectrogramModels();
    const settle = (): void => models.retain(player.heldRenders);
    return {
      player,
      models,
      start(id, frames) {
        player.renderStarted(id);
        settle();
        player.renderInfo(id, info(frames));
        models.create(id, config, RATE, frames);
        settle();
      },
      chunks(id, from, to) {
        for (let start = from; start < to; start += 4800) {
          const chunk = sineChunk(start, 4800, RATE);
          player.chunk(id, start, RATE, chunk);
          models.get(id)?.push(chunk);
          settle();
        }
      },
    };
  }

  it('keeps the last complete render’s spectrogram for the fallback after a cancelled edit and a failing one', () => {
    const { player, models, start, chunks } = page();
    start(1, RATE);
    chunks(1, 0, RATE);
    player.renderEnded(1);
    models.get(1)?.end();
    // An edit, cancelled by the next one after some audio.
    start(2, RATE);
    chunks(2, 0, 9600);
    player.renderCancelled(2);
    models.get(2)?.end();
    // The next edit fails before any audio: the player falls back to render 1.
    start(3, RATE);
    player.renderFailed(3);
    models.retain(player.heldRenders);
    assert.equal(player.render?.renderId, 1);
    assert.ok(models.get(1), 'the render heard has its spectrogram');
    assert.deepEqual(models.renderIds, [1], 'the partial render the player let go has none');
  });

  it('rebuilds the model of every render held, from the audio each still holds', () => {
    const { player, models, start, chunks } = page();
    start(1, RATE);
    chunks(1, 0, RATE);
    player.renderEnded(1);
    start(2, 2 * RATE);
    chunks(2, 0, 2 * RATE);
    // A third render started; its first chunk has not arrived.
    start(3, RATE);
    const current = player.render;
    assert.equal(current?.renderId, 2);
    current.dropBefore(RATE);
    const changed = { ...config, fftSize: 1024 };
    models.rebuild(changed, player.heldRenders);
    assert.deepEqual(models.renderIds.sort(), [1, 2, 3], 'the pending and the last complete render keep a model');
    for (const id of [1, 2, 3]) assert.equal(models.get(id)?.config.fftSize, 1024);
    const rebuilt = models.get(2);
    assert.ok(rebuilt);
    rebuilt.compute(Infinity, () => 0);
    assert.equal(rebuilt.pixelAt(0, 10), undefined, 'the dropped audio has no columns');
    assert.ok(rebuilt.columns > Math.ceil(RATE / rebuilt.hop), 'the audio kept does');
  });
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { colormap, DEFAULT_DB_RANGE, levelIndex } from '../../src/engine/colormap';
import { RenderPool } from '../../src/engine/render-pool';
import type { RenderedAudio } from '../../src/engine/render-types';
import { FrequencyScale } from '../../src/engine/spectrogram-scale';
import { mixToMono, stftOfSignal } from '../../src/engine/stft';
import { chooseHop, MODEL_ROWS, SpectrogramModel, TILE_COLUMNS } from '../../src/webview/spectrogram-model';

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

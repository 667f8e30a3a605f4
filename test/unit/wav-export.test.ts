import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PatchError } from '../../src/engine/patch-error';
import { RenderPool } from '../../src/engine/render-pool';
import type { RenderedAudio } from '../../src/engine/render-types';
import { readWav } from '../../src/engine/wav-reader';
import { pcmValue } from '../../src/engine/wav-writer';
import { renderPatchToWav, wavFormatOf } from '../../src/extension/commands/wav-export';

const PATCH = path.join(__dirname, '..', '..', 'examples', 'hello.synth.js');

describe('WAV export (Render to WAV, Render All)', () => {
  let folder: string;
  let pool: RenderPool;
  let reference: RenderedAudio;

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'patchscope-wav-'));
    pool = new RenderPool({ size: 1 });
    reference = await pool.renderOneShot({ path: PATCH });
  });
  after(async () => {
    await pool.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it('maps bit depths to sample formats', () => {
    assert.equal(wavFormatOf(16), 'pcm16');
    assert.equal(wavFormatOf(24), 'pcm24');
    assert.equal(wavFormatOf(32), 'float32');
  });

  it('writes the one-shot render, sample for sample, as 32-bit float', async () => {
    const destination = path.join(folder, 'hello-float.wav');
    const progress: number[] = [];
    const { info, summary } = await renderPatchToWav(pool, { path: PATCH }, destination, 'float32', { onProgress: (done) => progress.push(done) });
    assert.equal(summary.frames, reference.info.frames);
    assert.equal(info.frames, reference.info.frames);
    assert.ok(progress.length > 0 && progress.at(-1) === reference.info.frames);
    const wav = await readWav(destination);
    assert.equal(wav.channels.length, 2);
    wav.channels.forEach((channel, c) => assert.deepEqual(channel, reference.channels[c], `channel ${c}`));
  });

  it('writes 16-bit PCM that decodes to the quantised render', async () => {
    const destination = path.join(folder, 'hello-16.wav');
    await renderPatchToWav(pool, { path: PATCH }, destination, 'pcm16');
    const wav = await readWav(destination);
    for (const i of [0, 1000, 48000, 100_000, reference.info.frames - 1]) {
      assert.equal(Math.round(wav.channels[0][i] * 32768), pcmValue(reference.channels[0][i], 16), `frame ${i}`);
    }
  });

  it('leaves nothing at the destination when cancelled, and keeps an existing file', async () => {
    const destination = path.join(folder, 'cancelled.wav');
    await writeFile(destination, 'previous');
    const abort = new AbortController();
    const rendering = renderPatchToWav(pool, { path: PATCH }, destination, 'pcm24', { signal: abort.signal, onProgress: () => abort.abort() });
    await assert.rejects(rendering, (error: unknown) => error instanceof PatchError && error.kind === 'cancelled');
    assert.equal(await (await import('node:fs/promises')).readFile(destination, 'utf8'), 'previous');
    assert.deepEqual((await readdir(folder)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('reports a broken patch at its line and writes no file', async () => {
    const broken = path.join(folder, 'broken.synth.js');
    await writeFile(broken, 'export default {\n  duration: 1,\n  build(ctx, out) {\n    const x = ;\n  },\n};\n');
    const destination = path.join(folder, 'broken.wav');
    await assert.rejects(renderPatchToWav(pool, { path: broken }, destination, 'pcm16'), (error: unknown) => {
      return error instanceof PatchError && error.kind === 'compile' && error.line === 4 && error.file === broken;
    });
    assert.ok(!(await readdir(folder)).includes('broken.wav'));
  });
});

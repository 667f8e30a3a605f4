// A long streamed render gives node-web-audio-api's retained output back to the system as it goes
// (src/engine/output-release.ts). These tests check that it does, that the audio stays bit for bit the one-shot
// render's, and that pages holding anything but the fill are never touched.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { compareAudio } from '../../src/engine/parity';
import {
  KEEP_OUTPUT_ENV,
  OUTPUT_FILL,
  OWN_MAPPING_MIN_BYTES,
  RenderedOutputRelease,
  anonymousWritableMappings,
  locateMappedBuffer,
  outputReleaseAvailable,
  type Mapping,
} from '../../src/engine/output-release';
import { loadWebAudio } from '../../src/engine/patch-loader';
import { RenderPool } from '../../src/engine/render-pool';
import { runCli } from './helpers/cli';

const SAMPLE_RATE = 48000;
/** The built bundles and addon. */
const dist = path.join(__dirname, '..', '..', 'dist');
/** Long enough that the output buffer (4 bytes a frame) is above OWN_MAPPING_MIN_BYTES. */
const LONG_FRAMES = Math.ceil((OWN_MAPPING_MIN_BYTES * 1.25) / 4 / 8192) * 8192;

/** Renders `frames` frames with the fill (and optionally a tone) on the destination, releasing at suspends. */
async function renderWithRelease(frames: number, withTone: boolean): Promise<{ released: number; output: Float32Array }> {
  const web = await loadWebAudio();
  const ctx = new web.OfflineAudioContext(1, frames, SAMPLE_RATE);
  const fill = new web.ConstantSourceNode(ctx, { offset: OUTPUT_FILL });
  fill.connect(ctx.destination);
  fill.start();
  if (withTone) {
    const tone = new web.OscillatorNode(ctx, { frequency: 440 });
    tone.connect(ctx.destination);
    tone.start();
  }
  const release = RenderedOutputRelease.forContext(frames);
  assert.ok(release, 'a buffer this long has its own mapping and the addon is built');
  for (let second = 5; second < frames / SAMPLE_RATE; second += 5) {
    void ctx.suspend(second).then(() => {
      release.releaseRendered(Math.round(ctx.currentTime * SAMPLE_RATE));
      setImmediate(() => void ctx.resume());
    });
  }
  await new Promise((resolve) => setImmediate(resolve));
  const rendered = await ctx.startRendering();
  // A copy: node-web-audio-api's getChannelData is a view that does not keep the AudioBuffer's memory alive
  // (read after the AudioBuffer was collected, it crashed this test).
  return { released: release.releasedBytes, output: rendered.getChannelData(0).slice() };
}

describe('output release (long streamed renders)', function () {
  this.timeout(180_000);

  before(function () {
    // The addon is Linux-only; where it is, it must have been built (the build warns when no C compiler is found).
    if (process.platform !== 'linux') this.skip();
    assert.equal(outputReleaseAvailable(), true, 'dist/page-release.node is built (npm run build with a C compiler)');
  });

  it('finds the buffer at one end of a mapping the kernel merged with its neighbour', () => {
    // The layout of a 60-minute render that released nothing: the output buffer was mapped just below a thread's
    // stack guard, then a 4 MB mapping just below it, and the kernel showed the two as one mapping.
    const bufferBytes = 0x29331000n;
    const bufferStart = 0x7ff1ac7fa000n - bufferBytes;
    const stack: Mapping = { start: 0x7ff1ac7fb000n, end: 0x7ff1acffb000n };
    const before: Mapping[] = [{ start: 0x3f9a8c980000n, end: 0x3f9a8c9c0000n }, stack];
    const merged: Mapping = { start: 0x7ff1830c2000n, end: 0x7ff1ac7fa000n };
    const now = [...before, merged];
    const header = (address: bigint) => address === bufferStart;
    assert.equal(locateMappedBuffer(before, now, bufferBytes, header), bufferStart);
    // Merged above it instead, and with a mapping that was there before (which grew).
    const grown: Mapping = { start: 0x10000000n, end: 0x10000000n + bufferBytes + 0x400000n };
    assert.equal(locateMappedBuffer([{ start: grown.start, end: grown.start + 0x400000n }], [grown], bufferBytes, (a) => a === grown.start + 0x400000n), grown.start + 0x400000n);
    // Without the header check only an exact mapping counts; with it, a mapping of the right size but no header does not.
    assert.equal(locateMappedBuffer(before, now, bufferBytes), null);
    assert.equal(locateMappedBuffer(before, [...before, { start: 0x20000000n, end: 0x20000000n + bufferBytes }], bufferBytes), 0x20000000n);
    assert.equal(locateMappedBuffer(before, [...before, { start: 0x20000000n, end: 0x20000000n + bufferBytes }], bufferBytes, () => false), null);
    // Two places that qualify: not one buffer, so none.
    assert.equal(locateMappedBuffer([], [merged, { start: 0x20000000n, end: 0x20000000n + bufferBytes }], bufferBytes, () => true), null);
    // A mapping unchanged since before is never the buffer.
    assert.equal(locateMappedBuffer([merged], [merged], bufferBytes, () => true), null);
  });

  it('reads malloc\'s header of a real large allocation, and reads unmapped memory as no header', () => {
    const addon = { exports: {} as { startsMappedChunk?: (address: bigint, mappingBytes: number) => boolean } };
    process.dlopen(addon, path.join(dist, 'page-release.node'));
    const startsMappedChunk = addon.exports.startsMappedChunk;
    assert.equal(typeof startsMappedChunk, 'function');
    if (!startsMappedChunk) return;
    const before = anonymousWritableMappings();
    // Node allocates an ArrayBuffer's memory with malloc: this one is above the size that gets its own mapping.
    const bytes = OWN_MAPPING_MIN_BYTES + 5 * 4096;
    const allocation = new ArrayBuffer(bytes);
    const mappingBytes = BigInt(Math.ceil((bytes + 16) / 4096) * 4096);
    const found = locateMappedBuffer(before, anonymousWritableMappings(), mappingBytes, (address) => startsMappedChunk(address, Number(mappingBytes)));
    assert.notEqual(found, null, 'the allocation is found by its header');
    if (found === null) return;
    assert.equal(startsMappedChunk(found + 4096n, Number(mappingBytes)), false, 'a page inside it is no chunk start');
    assert.equal(startsMappedChunk(found, Number(mappingBytes) + 4096), false, 'the header holds its own size only');
    assert.equal(startsMappedChunk(4096n, 4096), false, 'the first page of the address space is never mapped');
    assert.equal(allocation.byteLength, bytes);
  });

  it('does nothing for a buffer below the size that gets its own mapping', () => {
    assert.equal(RenderedOutputRelease.forContext(Math.floor(OWN_MAPPING_MIN_BYTES / 4)), undefined);
  });

  it('releases the rendered pages of a destination that holds only the fill', async () => {
    const { released, output } = await renderWithRelease(LONG_FRAMES, false);
    const bytes = LONG_FRAMES * 4;
    // Everything but the last 5 s (no suspend after it) and the pages at the edges.
    assert.ok(released > bytes - 5 * SAMPLE_RATE * 4 - 2 * 4096, `released ${released} of ${bytes} bytes`);
    // A released page reads as zeros afterwards: the memory really went back to the system.
    assert.equal(output[SAMPLE_RATE], 0);
    assert.equal(output[output.length - 1], OUTPUT_FILL);
  });

  it('leaves alone pages that hold anything else', async () => {
    const { released, output } = await renderWithRelease(LONG_FRAMES, true);
    assert.equal(released, 0);
    // The output is whole: the tone plus the fill, to its end.
    const web = await loadWebAudio();
    const ctx = new web.OfflineAudioContext(1, LONG_FRAMES, SAMPLE_RATE);
    const fill = new web.ConstantSourceNode(ctx, { offset: OUTPUT_FILL });
    fill.connect(ctx.destination);
    fill.start();
    const tone = new web.OscillatorNode(ctx, { frequency: 440 });
    tone.connect(ctx.destination);
    tone.start();
    const reference = (await ctx.startRendering()).getChannelData(0).slice();
    assert.equal(compareAudio([reference], [output]).bitExact, true);
  });

  let dir: string;
  let patch: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-release-'));
    patch = path.join(dir, 'long-drone.synth.js');
    const seconds = LONG_FRAMES / SAMPLE_RATE;
    fs.writeFileSync(
      patch,
      `export default { duration: ${seconds}, channels: 2, build(ctx, out) {
        const filter = new BiquadFilterNode(ctx, { frequency: 800, Q: 3 });
        for (const frequency of [110, 165.2]) { const saw = new OscillatorNode(ctx, { type: 'sawtooth', frequency }); saw.connect(filter); saw.start(); }
        const noise = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
        noise.getChannelData(0).forEach((_, i, data) => (data[i] = Math.random() * 0.1));
        const hiss = new AudioBufferSourceNode(ctx, { buffer: noise, loop: true });
        hiss.connect(new StereoPannerNode(ctx, { pan: 0.5 })).connect(out);
        hiss.start();
        filter.connect(new GainNode(ctx, { gain: 0.2 })).connect(out);
      } };\n`,
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives back a long streamed render\'s output in the worker, and its audio is the one-shot render\'s', async () => {
    const pool = new RenderPool({ size: 1 });
    try {
      const collector = new ChunkCollector();
      const stats = await pool.stream({ path: patch }, { chunk: 1, onChunk: (chunk) => collector.add(chunk) });
      const streamed = collector.join(2);
      const oneShot = await pool.renderOneShot({ path: patch });
      const comparison = compareAudio(oneShot.channels, streamed);
      assert.equal(comparison.bitExact, true, `first difference at frame ${comparison.firstDiffFrame}`);
      assert.equal(stats.drive, 'suspend');
      // The destination of a streamed render is mono: 4 bytes a frame, all but the last chunk's released.
      assert.ok(stats.outputReleasedBytes > (LONG_FRAMES - 2 * SAMPLE_RATE) * 4, `released ${stats.outputReleasedBytes} bytes`);
      assert.equal(stats.outputRetainedBytes, 0);
    } finally {
      await pool.dispose();
    }
  });

  it('reports the output it could not give back, and the CLI warns (malloc told not to map anything on its own)', async () => {
    // MALLOC_MMAP_MAX_=0 makes glibc serve even the output buffer from its heaps: there is no mapping to find.
    const renderWithCli = (output: string) => runCli(['render', patch, '--out', path.join(dir, output)]);
    // Set for the whole of the first part (the pool's workers and the CLI inherit it), and removed whatever fails.
    process.env.MALLOC_MMAP_MAX_ = '0';
    try {
      const pool = new RenderPool({ size: 1 });
      try {
        const stats = await pool.stream({ path: patch }, { chunk: 1 });
        assert.equal(stats.outputReleasedBytes, 0);
        assert.equal(stats.outputRetainedBytes, LONG_FRAMES * 4);
      } finally {
        await pool.dispose();
      }
      const kept = renderWithCli('kept.wav');
      assert.equal(kept.status, 0, kept.stderr);
      assert.match(kept.stderr, new RegExp(`warning: the render worker held node-web-audio-api's copy of the output to the end \\(${Math.round((LONG_FRAMES * 4) / 1048576)} MB\\)`));
    } finally {
      delete process.env.MALLOC_MMAP_MAX_;
    }
    const cli = renderWithCli('released.wav');
    assert.equal(cli.status, 0, cli.stderr);
    assert.doesNotMatch(cli.stderr, /warning/);
  });

  it('gives back the output of a long render driven by its capture (a graph with an AudioWorklet), bit-exact', async () => {
    const worklet = path.join(dir, 'half.js');
    fs.writeFileSync(worklet, `registerProcessor('half', class extends AudioWorkletProcessor {
      process(inputs, outputs) { inputs[0].forEach((channel, c) => channel.forEach((v, i) => (outputs[0][c][i] = v * 0.5))); return true; }
    });\n`);
    const workletPatch = path.join(dir, 'long-worklet.synth.js');
    fs.writeFileSync(
      workletPatch,
      `export default { duration: ${LONG_FRAMES / SAMPLE_RATE}, channels: 1, async build(ctx, out) {
        await ctx.audioWorklet.addModule('./half.js');
        const saw = new OscillatorNode(ctx, { type: 'sawtooth', frequency: 110 });
        saw.connect(new AudioWorkletNode(ctx, 'half')).connect(out);
        saw.start();
      } };\n`,
    );
    const pool = new RenderPool({ size: 1 });
    try {
      const collector = new ChunkCollector();
      const stats = await pool.stream({ path: workletPatch }, { chunk: 2, onChunk: (chunk) => collector.add(chunk) });
      assert.equal(stats.drive, 'capture');
      const oneShot = await pool.renderOneShot({ path: workletPatch });
      const comparison = compareAudio(oneShot.channels, collector.join(1));
      assert.equal(comparison.bitExact, true, `first difference at frame ${comparison.firstDiffFrame}`);
      // Released as the capture receives audio, while the render runs: all but the last few blocks.
      assert.ok(stats.outputReleasedBytes > (LONG_FRAMES - 4 * SAMPLE_RATE) * 4, `released ${stats.outputReleasedBytes} bytes`);
    } finally {
      await pool.dispose();
    }
  });

  it(`keeps the output in a worker started with ${KEEP_OUTPUT_ENV}=1`, async () => {
    process.env[KEEP_OUTPUT_ENV] = '1';
    const pool = new RenderPool({ size: 1 });
    try {
      const stats = await pool.stream({ path: patch }, { chunk: 1 });
      assert.equal(stats.outputReleasedBytes, 0);
      // Kept on purpose: nothing to warn about.
      assert.equal(stats.outputRetainedBytes, 0);
    } finally {
      delete process.env[KEEP_OUTPUT_ENV];
      await pool.dispose();
    }
  });
});

// A patch is more than its own file: the engine reports every file a render reads (so an editor can re-render
// when one changes) and bundles the unsaved text of any of them in place of the file on disk.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkCollector } from '../../src/engine/parity-test';
import { RenderPool } from '../../src/engine/render-pool';
import type { PatchSource } from '../../src/engine/render-types';

describe('the files a render reads, and their unsaved text', function () {
  this.timeout(60_000);
  let pool: RenderPool;
  let dir = '';
  const file = (relative: string): string => path.join(dir, relative);
  const write = (relative: string, text: string): void => {
    fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
    fs.writeFileSync(file(relative), text);
  };

  before(() => {
    pool = new RenderPool({ size: 1 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchscope-inputs-'));
    write('lib/level.ts', 'export const LEVEL = 0.25;\n');
    write('worklets/lib/factor.js', 'export const FACTOR = 0.5;\n');
    write(
      'worklets/scale.js',
      "import { FACTOR } from './lib/factor.js';\nregisterProcessor('scale', class extends AudioWorkletProcessor { process(i, o) { i[0].forEach((c, k) => c.forEach((v, n) => (o[0][k][n] = v * FACTOR))); return true; } });\n",
    );
    write(
      'layered.synth.ts',
      [
        "import { LEVEL } from './lib/level';",
        'export default {',
        '  duration: 0.05,',
        '  channels: 1,',
        '  async build(ctx: BaseAudioContext, out: AudioNode) {',
        "    await ctx.audioWorklet.addModule('./worklets/scale.js');",
        '    const level = new ConstantSourceNode(ctx, { offset: LEVEL });',
        "    level.connect(new AudioWorkletNode(ctx, 'scale')).connect(out);",
        '    level.start();',
        '  },',
        '};',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Renders and returns the first sample and the last list of inputs reported. */
  async function render(source: PatchSource): Promise<{ sample: number; inputs: readonly string[] }> {
    const collector = new ChunkCollector();
    let inputs: readonly string[] = [];
    const stats = await pool.stream(source, { onChunk: (chunk) => collector.add(chunk), onInputs: (files) => (inputs = files) });
    return { sample: collector.join(stats.info.channels)[0][0], inputs };
  }

  it('reports the patch, the module it imports, its worklet module and the module that one imports', async () => {
    const { sample, inputs } = await render({ path: file('layered.synth.ts') });
    assert.equal(sample, 0.125);
    assert.deepEqual(
      [...inputs].sort(),
      [file('layered.synth.ts'), file('lib/level.ts'), file('worklets/lib/factor.js'), file('worklets/scale.js')].sort(),
    );
  });

  it('bundles the unsaved text of an imported module and of a worklet module’s import in place of the files', async () => {
    const overlays = { [file('lib/level.ts')]: 'export const LEVEL = 0.75;\n', [file('worklets/lib/factor.js')]: 'export const FACTOR = 0.25;\n' };
    assert.equal((await render({ path: file('layered.synth.ts'), overlays })).sample, 0.1875);
    // With unsaved patch text too (bundled from the editor's text, not the file).
    const text = fs.readFileSync(file('layered.synth.ts'), 'utf8').replace('offset: LEVEL', 'offset: LEVEL * 2');
    assert.equal((await render({ path: file('layered.synth.ts'), text, overlays })).sample, 0.375);
    // The files on disk are what a render without overlays reads.
    assert.equal((await render({ path: file('layered.synth.ts') })).sample, 0.125);
  });
});

// node-web-audio-api 2.2.0 keeps every OfflineAudioContext alive through native callback registrations
// (src/engine/context-release.ts). These tests count contexts the garbage collector actually frees.
import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { releaseFinishedContext, releaseScriptProcessor } from '../../src/engine/context-release';
import { loadWebAudio } from '../../src/engine/patch-loader';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Renders `count` short contexts, each with a ScriptProcessorNode (as the streamed capture has), and returns how many the GC freed. */
async function freedAfterRendering(count: number, release: boolean): Promise<number> {
  const web = await loadWebAudio();
  let freed = 0;
  const registry = new FinalizationRegistry(() => {
    freed++;
  });
  for (let i = 0; i < count; i++) {
    const ctx = new web.OfflineAudioContext(1, 4096, 48000);
    const oscillator = new web.OscillatorNode(ctx, { frequency: 220 + i });
    const processor = ctx.createScriptProcessor(1024, 1, 1);
    processor.onaudioprocess = () => undefined;
    oscillator.connect(processor).connect(ctx.destination);
    oscillator.start();
    await ctx.startRendering();
    processor.onaudioprocess = null;
    processor.disconnect();
    if (release) {
      assert.equal(releaseScriptProcessor(processor), true, 'the ScriptProcessorNode has the expected native shape');
      assert.equal(releaseFinishedContext(ctx), true, 'the context has the expected native shape');
    }
    registry.register(ctx, i);
  }
  for (let round = 0; round < 10; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return freed;
}

describe('releasing finished contexts', function () {
  this.timeout(60_000);

  it('without the release no rendered context is ever freed (the upstream leak this works around)', async () => {
    assert.equal(await freedAfterRendering(40, false), 0, 'node-web-audio-api now frees finished contexts by itself: src/engine/context-release.ts can go');
  });

  it('with it, the garbage collector frees the rendered contexts', async () => {
    const freed = await freedAfterRendering(40, true);
    assert.ok(freed >= 35, `${freed} of 40 contexts freed`);
  });
});

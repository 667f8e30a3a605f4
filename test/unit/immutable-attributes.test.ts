// The Web Audio attributes that never change become plain values on their object after the first read (see
// src/engine/immutable-attributes.ts): the values are the engine's own, and the API still behaves as specified.
import { strict as assert } from 'node:assert';
import { loadWebAudio } from '../../src/engine/patch-loader';

describe('immutable Web Audio attributes', () => {
  it('read the engine values once, then hold them as read-only values on the object', async () => {
    const web = await loadWebAudio();
    const ctx = new web.OfflineAudioContext(3, 1000, 44100);
    const buffer = ctx.createBuffer(5, 441, 22050);
    const expected: [object, string, number][] = [
      [ctx, 'sampleRate', 44100],
      [ctx, 'length', 1000],
      [ctx, 'renderQuantumSize', 128],
      [buffer, 'sampleRate', 22050],
      [buffer, 'length', 441],
      [buffer, 'numberOfChannels', 5],
      [buffer, 'duration', 441 / 22050],
    ];
    for (const [target, name, value] of expected) {
      assert.equal(Object.getOwnPropertyDescriptor(target, name), undefined, `${name} before the first read`);
      assert.equal(Reflect.get(target, name), value, name);
      const own = Object.getOwnPropertyDescriptor(target, name);
      assert.deepEqual(own && { value: own.value, writable: own.writable, enumerable: own.enumerable }, { value, writable: false, enumerable: false }, `${name} after the first read`);
      assert.throws(() => {
        'use strict';
        (target as Record<string, unknown>)[name] = 1;
      }, TypeError, `assigning ${name}`);
      assert.equal(Reflect.get(target, name), value, `${name} after an assignment`);
    }
  });

  it('keep the brand checks and stay per object', async () => {
    const web = await loadWebAudio();
    assert.throws(() => Reflect.get(web.AudioBuffer.prototype, 'length'), TypeError);
    assert.throws(() => Reflect.get(Object.create(web.OfflineAudioContext.prototype) as object, 'sampleRate'), TypeError);
    const first = new web.AudioBuffer({ length: 10, sampleRate: 8000 });
    const second = new web.AudioBuffer({ length: 20, numberOfChannels: 2, sampleRate: 16000 });
    assert.deepEqual([first.length, first.sampleRate, first.numberOfChannels], [10, 8000, 1]);
    assert.deepEqual([second.length, second.sampleRate, second.numberOfChannels], [20, 16000, 2]);
    const frozen = Object.freeze(new web.AudioBuffer({ length: 30, sampleRate: 8000 }));
    assert.deepEqual([frozen.length, frozen.length, frozen.sampleRate, frozen.getChannelData(0).length], [30, 30, 8000, 30]);
    // Mutable attributes are left alone: currentTime is read from the engine every time.
    const ctx = new web.OfflineAudioContext(1, 256, 8000);
    assert.equal(ctx.currentTime, 0);
    await ctx.startRendering();
    assert.equal(Object.getOwnPropertyDescriptor(ctx, 'currentTime'), undefined);
    assert.ok(ctx.currentTime > 0);
  });
});

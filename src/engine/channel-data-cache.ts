/**
 * `AudioBuffer.getChannelData()` in node-web-audio-api builds a new Float32Array over the buffer's native memory
 * on every call (about 13 µs), where a browser hands back the same array: a patch that writes
 * `buffer.getChannelData(0)[i] = x` in a loop, which a browser runs in a few milliseconds a second of audio, took
 * 650 ms a second here. Each buffer now keeps the array of each channel and returns it again.
 *
 * What a returned array shows is kept exactly as node-web-audio-api has it: arrays alias the buffer's memory until
 * a node acquires the buffer (an AudioBufferSourceNode or ConvolverNode takes it, by option or by its `buffer`
 * attribute); the node keeps that memory, and the buffer's next access moves to a copy. So an acquisition drops
 * the buffer's kept arrays, and the next call returns a new one over the copy, as without the cache.
 */

const keptArrays = Symbol('patchscope.channelArrays');

/** An AudioBuffer with the arrays it has handed out, by channel. */
interface BufferWithArrays {
  [keptArrays]?: Float32Array[];
}

/** The node-web-audio-api classes this module wraps. */
interface ChannelDataClasses {
  AudioBuffer: { prototype: object };
  AudioBufferSourceNode: new (...args: never[]) => object;
  ConvolverNode: new (...args: never[]) => object;
}

/** The node classes that acquire an AudioBuffer, by name. */
const ACQUIRING_NODES = ['AudioBufferSourceNode', 'ConvolverNode'] as const;

/**
 * Makes `getChannelData()` return each channel's array again until the buffer is acquired by a node. Wraps the
 * prototypes in place; returns the node classes to expose to patches, which drop a buffer given by option.
 */
export function cacheChannelData(web: ChannelDataClasses): Pick<ChannelDataClasses, (typeof ACQUIRING_NODES)[number]> {
  const bufferPrototype = web.AudioBuffer.prototype as { getChannelData(this: object, ...args: unknown[]): Float32Array };
  const fetch = bufferPrototype.getChannelData;
  Object.defineProperty(bufferPrototype, 'getChannelData', {
    configurable: true,
    writable: true,
    enumerable: true,
    value: function getChannelData(this: BufferWithArrays, ...args: unknown[]): Float32Array {
      const channel = args[0];
      const arrays = this[keptArrays];
      if (arrays !== undefined && typeof channel === 'number') {
        const kept = arrays[channel];
        if (kept !== undefined) return kept;
      }
      // The original keeps every check (the brand, the argument, the channel's range).
      const array = fetch.apply(this, args);
      if (typeof channel === 'number' && Number.isInteger(channel) && channel >= 0 && Object.isExtensible(this)) {
        if (!Object.prototype.hasOwnProperty.call(this, keptArrays)) Object.defineProperty(this, keptArrays, { writable: true, value: undefined });
        (this[keptArrays] ??= [])[channel] = array;
      }
      return array;
    },
  });
  const exposed = {} as Pick<ChannelDataClasses, (typeof ACQUIRING_NODES)[number]>;
  for (const name of ACQUIRING_NODES) {
    const Base = web[name];
    dropArraysInSetter(Base.prototype);
    // Constructed with a buffer in its options, the node acquires it in its constructor. A proxy rather than a
    // subclass: nodes from the context's factories (createBufferSource) stay instances of the global class.
    const Acquiring = new Proxy(Base, {
      construct(target, args, newTarget): object {
        const node = Reflect.construct(target, args, newTarget) as object;
        dropArrays((args[1] as { buffer?: unknown } | undefined)?.buffer);
        return node;
      },
    });
    exposed[name] = Acquiring;
  }
  return exposed;
}

function dropArrays(buffer: unknown): void {
  if (typeof buffer === 'object' && buffer !== null && Object.prototype.hasOwnProperty.call(buffer, keptArrays)) {
    (buffer as BufferWithArrays)[keptArrays] = undefined;
  }
}

function dropArraysInSetter(prototype: object): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'buffer');
  const set = descriptor?.set;
  if (!descriptor || !set) return;
  Object.defineProperty(prototype, 'buffer', {
    ...descriptor,
    set(this: object, value: unknown): void {
      set.call(this, value);
      dropArrays(value);
    },
  });
}

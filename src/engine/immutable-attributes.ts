/**
 * node-web-audio-api reads every attribute from its native object: `ctx.sampleRate` costs about 150 ns (a brand
 * check and a call into Rust), so a patch that fills a buffer with `i / ctx.sampleRate` or loops to
 * `buffer.length` spends much of its build() in those reads (example 01: build() 51 -> 29 ms without them). The attributes below
 * never change after construction (Web Audio API, "readonly" and fixed for the object's lifetime), so after the
 * first read each becomes a read-only value on its object and later reads are plain property loads.
 */

/** The constant attributes, by the class whose prototype defines them. */
const IMMUTABLE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  BaseAudioContext: ['sampleRate', 'renderQuantumSize'],
  OfflineAudioContext: ['length'],
  AudioBuffer: ['sampleRate', 'duration', 'length', 'numberOfChannels'],
};

const memoized = Symbol('patchscope.memoizedImmutableAttributes');

/** Makes the Web Audio classes' constant attributes plain values after their first read (once per module). */
export function memoizeImmutableAttributes(webAudio: Readonly<Record<string, unknown>>): void {
  for (const [className, names] of Object.entries(IMMUTABLE_ATTRIBUTES)) {
    const constructor = webAudio[className];
    if (typeof constructor !== 'function') continue;
    const prototype = (constructor as { prototype: Record<PropertyKey, unknown> }).prototype;
    if (Object.prototype.hasOwnProperty.call(prototype, memoized)) continue;
    Object.defineProperty(prototype, memoized, { value: true });
    for (const name of names) memoizeGetter(prototype, name);
  }
}

function memoizeGetter(prototype: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  const read = descriptor?.get;
  if (!descriptor || !read) return;
  Object.defineProperty(prototype, name, {
    ...descriptor,
    get(this: object): unknown {
      // The original getter keeps its brand check: reading through the prototype itself still throws.
      const value: unknown = read.call(this);
      // Not writable, as the accessor had no setter: assigning still fails the same way (TypeError in strict code).
      // A frozen or sealed object is read through the getter every time.
      if (Object.isExtensible(this)) Object.defineProperty(this, name, { value, writable: false, enumerable: false, configurable: true });
      return value;
    },
  });
}

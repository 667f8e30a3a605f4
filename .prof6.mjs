import * as web from 'node-web-audio-api';
for (const [k, v] of Object.entries(web)) if (typeof v === 'function' && !(k in globalThis)) globalThis[k] = v;
{ const ctx = new web.OfflineAudioContext({ numberOfChannels: 2, length: 4800, sampleRate: 48000 }); for (let i = 0; i < 5; i++) { const o = new web.OscillatorNode(ctx); const g = new web.GainNode(ctx); g.gain.setValueAtTime(0, 0); o.connect(g).connect(ctx.destination); o.start(); } await ctx.startRendering(); }
const res = {};
for (let run = 0; run < 8; run++) for (const name of process.argv.slice(2)) {
  const patch = (await import(`/tmp/ex/${name}.mjs?run=${run}`)).default;
  const ctx = new web.OfflineAudioContext({ numberOfChannels: 1, length: 48000, sampleRate: patch.sampleRate ?? 48000 });
  Object.defineProperty(ctx, 'sampleRate', { value: ctx.sampleRate });
  const out = new web.GainNode(ctx); out.connect(ctx.destination);
  const t0 = performance.now(); await patch.build(ctx, out); (res[name] ??= []).push(performance.now() - t0);
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return ((s[3] + s[4]) / 2).toFixed(1); };
console.log(Object.entries(res).map(([k, v]) => `${k.slice(0, 2)} ${med(v)}`).join('  '));

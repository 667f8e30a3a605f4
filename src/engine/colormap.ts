// Colour maps for spectrograms: 256-entry RGB tables built from a few control points each, interpolated in
// the OKLab colour space so steps look even, and the fixed dB range that picks an entry. No Node imports:
// the webview bundles this.
import type { Decibels } from './units';

/** Names of the colour maps. */
export type ColormapName = 'magma' | 'inferno' | 'viridis' | 'grayscale';

/** Every colour map, default first. */
export const COLORMAP_NAMES: readonly ColormapName[] = ['magma', 'inferno', 'viridis', 'grayscale'];

/** Entries in every colour table. */
export const COLORMAP_SIZE = 256;

/** The levels a spectrogram spans: `min` and below are the first colour, `max` and above the last. */
export interface DbRange {
  min: Decibels;
  max: Decibels;
}

/** Default level range of every spectrogram picture (dBFS). */
export const DEFAULT_DB_RANGE: Readonly<DbRange> = { min: -100, max: 0 };

/** A 256-entry colour table: r, g, b bytes of entry i at 3i, 3i + 1, 3i + 2. */
export interface Colormap {
  name: ColormapName;
  rgb: Uint8Array;
}

type ControlPoint = readonly [position: number, colour: string];

// Dark to bright, hand-placed: a violet-to-cream ramp, a violet-to-flame ramp, a blue-green-yellow ramp, grey.
const CONTROL_POINTS: Record<ColormapName, readonly ControlPoint[]> = {
  magma: [
    [0, '#05030f'],
    [0.18, '#25105a'],
    [0.38, '#6a1f80'],
    [0.58, '#b83872'],
    [0.78, '#f3704f'],
    [0.9, '#fdac74'],
    [1, '#fcf8c4'],
  ],
  inferno: [
    [0, '#040208'],
    [0.2, '#2e0b5c'],
    [0.4, '#7a1c6c'],
    [0.6, '#c83d3c'],
    [0.8, '#f5901c'],
    [1, '#f6f9a4'],
  ],
  viridis: [
    [0, '#420b55'],
    [0.25, '#3a528b'],
    [0.5, '#22908c'],
    [0.75, '#5dc863'],
    [1, '#fbe623'],
  ],
  grayscale: [
    [0, '#000000'],
    [1, '#ffffff'],
  ],
};

type Lab = [number, number, number];

function srgbToLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

function linearToSrgb(value: number): number {
  const v = Math.min(1, Math.max(0, value));
  const c = v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
  return Math.round(c * 255);
}

function hexToOklab(hex: string): Lab {
  const n = parseInt(hex.slice(1), 16);
  const r = srgbToLinear((n >> 16) & 255);
  const g = srgbToLinear((n >> 8) & 255);
  const b = srgbToLinear(n & 255);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function oklabToRgb([lightness, a, b]: Lab): [number, number, number] {
  const l = Math.pow(lightness + 0.3963377774 * a + 0.2158037573 * b, 3);
  const m = Math.pow(lightness - 0.1055613458 * a - 0.0638541728 * b, 3);
  const s = Math.pow(lightness - 0.0894841775 * a - 1.291485548 * b, 3);
  return [
    linearToSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    linearToSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    linearToSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

const cache = new Map<ColormapName, Colormap>();

/** The colour table of a map (built once, then shared: do not modify it). */
export function colormap(name: ColormapName): Colormap {
  const cached = cache.get(name);
  if (cached) return cached;
  const points = CONTROL_POINTS[name];
  if (!points) throw new Error(`unknown colour map '${name}' (known: ${COLORMAP_NAMES.join(', ')})`);
  const labs = points.map(([, hex]) => hexToOklab(hex));
  const rgb = new Uint8Array(COLORMAP_SIZE * 3);
  let segment = 0;
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const position = i / (COLORMAP_SIZE - 1);
    while (segment < points.length - 2 && position > points[segment + 1][0]) segment++;
    const [start] = points[segment];
    const [end] = points[segment + 1];
    const t = Math.min(1, Math.max(0, (position - start) / (end - start)));
    const from = labs[segment];
    const to = labs[segment + 1];
    const colour = oklabToRgb([
      from[0] + (to[0] - from[0]) * t,
      from[1] + (to[1] - from[1]) * t,
      from[2] + (to[2] - from[2]) * t,
    ]);
    rgb.set(colour, i * 3);
  }
  const map: Colormap = { name, rgb };
  cache.set(name, map);
  return map;
}

/** Whether a string names a colour map. */
export function isColormapName(name: string): name is ColormapName {
  return (COLORMAP_NAMES as readonly string[]).includes(name);
}

/** Table index (0..255) of a level: linear in dB over the fixed range, clamped at both ends. */
export function levelIndex(db: Decibels, range: DbRange): number {
  const t = (db - range.min) / (range.max - range.min);
  if (!(t > 0)) return 0;
  if (t >= 1) return COLORMAP_SIZE - 1;
  return Math.round(t * (COLORMAP_SIZE - 1));
}

/** Relative luminance (0..1, Rec. 709 weights on linear light) of table entry i. */
export function entryLuminance(map: Colormap, i: number): number {
  return (
    0.2126 * srgbToLinear(map.rgb[i * 3]) +
    0.7152 * srgbToLinear(map.rgb[i * 3 + 1]) +
    0.0722 * srgbToLinear(map.rgb[i * 3 + 2])
  );
}

// Colour conversion for video frames: 8-bit BT.709 limited-range YCbCr (the HD video standard, and what the
// MP4 export tags its stream as), and the planar 4:2:0 layout a frame buffer uses. No Node imports.

/** An 8-bit Y'CbCr triple. */
export interface Yuv {
  y: number;
  u: number;
  v: number;
}

/** BT.709 limited-range Y'CbCr of an sRGB colour (0..255 each). */
export function rgbToYuv(r: number, g: number, b: number): Yuv {
  const red = r / 255;
  const green = g / 255;
  const blue = b / 255;
  const luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  return {
    y: Math.round(16 + 219 * luma),
    u: Math.round(128 + (224 * (blue - luma)) / 1.8556),
    v: Math.round(128 + (224 * (red - luma)) / 1.5748),
  };
}

/** sRGB bytes of a BT.709 limited-range Y'CbCr triple, clamped to 0..255. */
export function yuvToRgb(y: number, u: number, v: number): [number, number, number] {
  const luma = (y - 16) / 219;
  const cb = (u - 128) / 224;
  const cr = (v - 128) / 224;
  const red = luma + 1.5748 * cr;
  const blue = luma + 1.8556 * cb;
  const green = (luma - 0.2126 * red - 0.0722 * blue) / 0.7152;
  const byte = (x: number): number => Math.min(255, Math.max(0, Math.round(x * 255)));
  return [byte(red), byte(green), byte(blue)];
}

/** Byte size of a yuv420p frame: a full-size luma plane and two quarter-size chroma planes. */
export function yuv420FrameBytes(width: number, height: number): number {
  return width * height + 2 * (width / 2) * (height / 2);
}

/** Converts a yuv420p frame to packed RGB (3 bytes per pixel), for previews and tests. */
export function yuv420ToRgb(frame: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  const chromaWidth = width / 2;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y >> 1) * chromaWidth + (x >> 1);
      const [r, g, b] = yuvToRgb(frame[y * width + x], frame[uOffset + c], frame[vOffset + c]);
      const o = (y * width + x) * 3;
      rgb[o] = r;
      rgb[o + 1] = g;
      rgb[o + 2] = b;
    }
  }
  return rgb;
}

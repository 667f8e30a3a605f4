// A small bitmap font of our own for video frames: 5x7 capitals and digits, lowercase with two rows of
// descenders, in 6x10 cells, drawn at an integer scale into one 8-bit plane (the luma plane of a frame).
// No Node imports: pure drawing code.

/** Width of a glyph's drawn area in font pixels. */
export const GLYPH_WIDTH = 5;
/** Rows a glyph may use: 7 above the baseline, 2 descender rows below it. */
export const GLYPH_ROWS = 9;
/** Height of capitals and digits in font pixels. */
export const CAP_HEIGHT = 7;
/** Horizontal advance of one character in font pixels. */
export const CELL_WIDTH = 6;
/** Line height in font pixels. */
export const CELL_HEIGHT = 10;

/** An 8-bit image plane: pixel (x, y) is data[y * stride + x]. */
export interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
  stride: number;
}

// Each glyph: rows top to bottom separated by '|', '#' = ink. Rows 8 and 9 (descenders) are optional.
const GLYPH_PICTURES: Record<string, string> = {
  '0': '.###.|#...#|#..##|#.#.#|##..#|#...#|.###.',
  '1': '..#..|.##..|..#..|..#..|..#..|..#..|.###.',
  '2': '.###.|#...#|....#|...#.|..#..|.#...|#####',
  '3': '.###.|#...#|....#|..##.|....#|#...#|.###.',
  '4': '...#.|..##.|.#.#.|#..#.|#####|...#.|...#.',
  '5': '#####|#....|####.|....#|....#|#...#|.###.',
  '6': '..##.|.#...|#....|####.|#...#|#...#|.###.',
  '7': '#####|....#|...#.|..#..|.#...|.#...|.#...',
  '8': '.###.|#...#|#...#|.###.|#...#|#...#|.###.',
  '9': '.###.|#...#|#...#|.####|....#|...#.|.##..',
  'A': '.###.|#...#|#...#|#####|#...#|#...#|#...#',
  'B': '####.|#...#|#...#|####.|#...#|#...#|####.',
  'C': '.###.|#...#|#....|#....|#....|#...#|.###.',
  'D': '####.|#...#|#...#|#...#|#...#|#...#|####.',
  'E': '#####|#....|#....|####.|#....|#....|#####',
  'F': '#####|#....|#....|####.|#....|#....|#....',
  'G': '.###.|#...#|#....|#.###|#...#|#...#|.####',
  'H': '#...#|#...#|#...#|#####|#...#|#...#|#...#',
  'I': '.###.|..#..|..#..|..#..|..#..|..#..|.###.',
  'J': '..###|...#.|...#.|...#.|...#.|#..#.|.##..',
  'K': '#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#',
  'L': '#....|#....|#....|#....|#....|#....|#####',
  'M': '#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#',
  'N': '#...#|#...#|##..#|#.#.#|#..##|#...#|#...#',
  'O': '.###.|#...#|#...#|#...#|#...#|#...#|.###.',
  'P': '####.|#...#|#...#|####.|#....|#....|#....',
  'Q': '.###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#',
  'R': '####.|#...#|#...#|####.|#.#..|#..#.|#...#',
  'S': '.####|#....|#....|.###.|....#|....#|####.',
  'T': '#####|..#..|..#..|..#..|..#..|..#..|..#..',
  'U': '#...#|#...#|#...#|#...#|#...#|#...#|.###.',
  'V': '#...#|#...#|#...#|#...#|#...#|.#.#.|..#..',
  'W': '#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.',
  'X': '#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#',
  'Y': '#...#|#...#|.#.#.|..#..|..#..|..#..|..#..',
  'Z': '#####|....#|...#.|..#..|.#...|#....|#####',
  'a': '.....|.....|.###.|....#|.####|#...#|.####',
  'b': '#....|#....|####.|#...#|#...#|#...#|####.',
  'c': '.....|.....|.###.|#....|#....|#....|.###.',
  'd': '....#|....#|.####|#...#|#...#|#...#|.####',
  'e': '.....|.....|.###.|#...#|#####|#....|.###.',
  'f': '..##.|.#...|####.|.#...|.#...|.#...|.#...',
  'g': '.....|.....|.####|#...#|#...#|#...#|.####|....#|.###.',
  'h': '#....|#....|####.|#...#|#...#|#...#|#...#',
  'i': '..#..|.....|.##..|..#..|..#..|..#..|.###.',
  'j': '...#.|.....|..##.|...#.|...#.|...#.|...#.|#..#.|.##..',
  'k': '#....|#....|#..#.|#.#..|##...|#.#..|#..#.',
  'l': '.##..|..#..|..#..|..#..|..#..|..#..|.###.',
  'm': '.....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#',
  'n': '.....|.....|####.|#...#|#...#|#...#|#...#',
  'o': '.....|.....|.###.|#...#|#...#|#...#|.###.',
  'p': '.....|.....|####.|#...#|#...#|#...#|####.|#....|#....',
  'q': '.....|.....|.####|#...#|#...#|#...#|.####|....#|....#',
  'r': '.....|.....|#.##.|##..#|#....|#....|#....',
  's': '.....|.....|.####|#....|.###.|....#|####.',
  't': '.#...|.#...|####.|.#...|.#...|.#..#|..##.',
  'u': '.....|.....|#...#|#...#|#...#|#..##|.##.#',
  'v': '.....|.....|#...#|#...#|#...#|.#.#.|..#..',
  'w': '.....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.',
  'x': '.....|.....|#...#|.#.#.|..#..|.#.#.|#...#',
  'y': '.....|.....|#...#|#...#|#...#|#...#|.####|....#|.###.',
  'z': '.....|.....|#####|...#.|..#..|.#...|#####',
  '.': '.....|.....|.....|.....|.....|.##..|.##..',
  ',': '.....|.....|.....|.....|.....|.##..|.##..|..#..|.#...',
  ':': '.....|.##..|.##..|.....|.##..|.##..|.....',
  ';': '.....|.##..|.##..|.....|.##..|.##..|..#..|.#...',
  '-': '.....|.....|.....|.###.|.....|.....|.....',
  '_': '.....|.....|.....|.....|.....|.....|.....|#####',
  '+': '.....|..#..|..#..|#####|..#..|..#..|.....',
  '/': '....#|....#|...#.|..#..|.#...|#....|#....',
  '\\': '#....|#....|.#...|..#..|...#.|....#|....#',
  '(': '...#.|..#..|.#...|.#...|.#...|..#..|...#.',
  ')': '.#...|..#..|...#.|...#.|...#.|..#..|.#...',
  '[': '.###.|.#...|.#...|.#...|.#...|.#...|.###.',
  ']': '.###.|...#.|...#.|...#.|...#.|...#.|.###.',
  '{': '..##.|.#...|.#...|#....|.#...|.#...|..##.',
  '}': '.##..|...#.|...#.|....#|...#.|...#.|.##..',
  '!': '..#..|..#..|..#..|..#..|..#..|.....|..#..',
  '?': '.###.|#...#|....#|...#.|..#..|.....|..#..',
  '\'': '..#..|..#..|.#...',
  '"': '.#.#.|.#.#.|.#.#.',
  '#': '.#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.',
  '%': '##..#|##..#|...#.|..#..|.#...|#..##|#..##',
  '&': '.##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#',
  '*': '.....|..#..|#.#.#|.###.|#.#.#|..#..|.....',
  '=': '.....|.....|#####|.....|#####|.....|.....',
  '<': '...#.|..#..|.#...|#....|.#...|..#..|...#.',
  '>': '.#...|..#..|...#.|....#|...#.|..#..|.#...',
  '@': '.###.|#...#|#.###|#.#.#|#.###|#....|.###.',
  '|': '..#..|..#..|..#..|..#..|..#..|..#..|..#..',
  '~': '.....|.....|.#...|#.#.#|...#.',
  '`': '.#...|..#..',
  '^': '..#..|.#.#.|#...#',
  '$': '..#..|.####|#.#..|.###.|..#.#|####.|..#..',
  '·': '.....|.....|.....|..#..',
};

/** Glyph rows as 5-bit masks (bit 4 = leftmost column); unknown characters draw as '?'. */
const GLYPHS = new Map<string, Uint8Array>();
for (const [char, picture] of Object.entries(GLYPH_PICTURES)) {
  const rows = new Uint8Array(GLYPH_ROWS);
  picture.split('|').forEach((row, y) => {
    for (let x = 0; x < GLYPH_WIDTH; x++) if (row[x] === '#') rows[y] |= 1 << (GLYPH_WIDTH - 1 - x);
  });
  GLYPHS.set(char, rows);
}
const SPACE = new Uint8Array(GLYPH_ROWS);
const FALLBACK = GLYPHS.get('?') as Uint8Array;

function glyphOf(char: string): Uint8Array {
  if (char === ' ') return SPACE;
  return GLYPHS.get(char) ?? FALLBACK;
}

/** Whether the font has a glyph of its own for a character (others draw as '?'). */
export function hasGlyph(char: string): boolean {
  return char === ' ' || GLYPHS.has(char);
}

/** Width in pixels of a line of text at a scale (no spacing after the last character). */
export function textWidth(text: string, scale: number): number {
  const count = [...text].length;
  return count === 0 ? 0 : (count * CELL_WIDTH - (CELL_WIDTH - GLYPH_WIDTH)) * scale;
}

/** Columns [left, right) that drawing may touch. */
export interface HorizontalClip {
  left: number;
  right: number;
}

/**
 * Draws a line of text with its top-left corner (top of the capitals) at (x, y), each font pixel a
 * scale x scale square of `value`. Pixels outside the plane (and outside `clip` when given) are left alone.
 */
export function drawText(
  plane: Plane,
  x: number,
  y: number,
  text: string,
  scale: number,
  value: number,
  clip?: HorizontalClip,
): void {
  const left = Math.max(0, clip?.left ?? 0);
  const right = Math.min(plane.width, clip?.right ?? plane.width);
  let penX = x;
  for (const char of text) {
    drawGlyph(plane, penX, y, glyphOf(char), scale, value, left, right);
    penX += CELL_WIDTH * scale;
  }
}

function drawGlyph(
  plane: Plane,
  x: number,
  y: number,
  rows: Uint8Array,
  scale: number,
  value: number,
  clipLeft: number,
  clipRight: number,
): void {
  const { data, height, stride } = plane;
  for (let row = 0; row < GLYPH_ROWS; row++) {
    const bits = rows[row];
    if (bits === 0) continue;
    for (let col = 0; col < GLYPH_WIDTH; col++) {
      if ((bits & (1 << (GLYPH_WIDTH - 1 - col))) === 0) continue;
      const left = Math.max(clipLeft, x + col * scale);
      const right = Math.min(clipRight, x + (col + 1) * scale);
      const top = Math.max(0, y + row * scale);
      const bottom = Math.min(height, y + (row + 1) * scale);
      for (let py = top; py < bottom; py++) data.fill(value, py * stride + left, py * stride + right);
    }
  }
}

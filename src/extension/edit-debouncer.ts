/** What to do about an edit: render at once, or (re)arm the trailing timer for `delayMs`. */
export type DebounceDecision = { kind: 'now' } | { kind: 'later'; delayMs: number };

/**
 * Leading-and-trailing debounce: the first edit after a quiet spell of `debounceMs` renders at once (so a
 * single keystroke is heard with no added wait); edits that follow within `debounceMs` of the previous
 * edit are folded into one render `debounceMs` after the last of them.
 */
export function decideOnEdit(now: number, previousEditAt: number | undefined, debounceMs: number, timerArmed: boolean): DebounceDecision {
  if (debounceMs <= 0) return { kind: 'now' };
  const quiet = previousEditAt === undefined || now - previousEditAt >= debounceMs;
  if (quiet && !timerArmed) return { kind: 'now' };
  return { kind: 'later', delayMs: debounceMs };
}

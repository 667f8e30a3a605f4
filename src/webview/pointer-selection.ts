// Turns pointer gestures on a time axis into a seek (click) or a region (drag). Listeners go through the
// page's Lifecycle.

import type { Lifecycle } from './lifecycle';
import type { Region } from './player';

/** Pixels a pointer must move before a press becomes a drag. */
const DRAG_THRESHOLD = 4;

/** What a gesture did. */
export interface SelectionHandlers {
  /** Maps a client x coordinate to seconds. */
  timeAt(clientX: number): number;
  onSeek(seconds: number): void;
  /** While dragging (`done` false) and when released (`done` true). */
  onRegion(region: Region, done: boolean): void;
}

/** Wires click-to-seek and drag-to-select-a-region onto an element. */
export function attachPointerSelection(lifecycle: Lifecycle, element: HTMLElement, handlers: SelectionHandlers): void {
  let pressX: number | undefined;
  let dragging = false;
  const regionTo = (clientX: number): Region => {
    const a = handlers.timeAt(pressX ?? clientX);
    const b = handlers.timeAt(clientX);
    return { start: Math.min(a, b), end: Math.max(a, b) };
  };
  lifecycle.listen(element, 'pointerdown', (event) => {
    if (event.button !== 0) return;
    pressX = event.clientX;
    dragging = false;
    element.setPointerCapture(event.pointerId);
  });
  lifecycle.listen(element, 'pointermove', (event) => {
    if (pressX === undefined) return;
    if (!dragging && Math.abs(event.clientX - pressX) < DRAG_THRESHOLD) return;
    dragging = true;
    handlers.onRegion(regionTo(event.clientX), false);
  });
  lifecycle.listen(element, 'pointerup', (event) => {
    if (pressX === undefined) return;
    if (dragging) handlers.onRegion(regionTo(event.clientX), true);
    else handlers.onSeek(handlers.timeAt(event.clientX));
    pressX = undefined;
    dragging = false;
  });
  lifecycle.listen(element, 'pointercancel', () => {
    pressX = undefined;
    dragging = false;
  });
}

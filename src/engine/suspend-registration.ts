/**
 * node-web-audio-api registers each `suspend()` on its tokio runtime (two worker threads), and `startRendering()`
 * is one more task on the same runtime: it takes the renderer, and every suspend registered after that is rejected
 * ("cannot suspend when rendering has already started"). Nothing says when the registrations are done. Waiting one
 * macrotask, as before, left runs of points unregistered in 12 to 26% of renders (120 points, idle or loaded
 * 2-core machine), up to 61 of them in one render: late hand-overs and, with a capture that receives blocks
 * regardless, audio piling up between the points that remain.
 *
 * A suspend at a negative time is a task that fails at once, before it touches the renderer: its rejection
 * returns only after the runtime has run the tasks queued before it. Waiting for it left at most the first point
 * unregistered, in 1 to 5% of renders, for a mean wait of 0.7 to 2.5 ms instead of 0.2 (median 0.27 ms in a render
 * worker; measurements in bench/RESULTS.md).
 */

/** A suspend time node-web-audio-api refuses before it touches the renderer ("suspendTime cannot be negative"). */
const PROBE_TIME = -1;

/** Resolves once node-web-audio-api's runtime has run the `suspend()` registrations made before this call. */
export async function suspendRegistrationsSettled(ctx: OfflineAudioContext): Promise<void> {
  let probe: Promise<void>;
  try {
    probe = ctx.suspend(PROBE_TIME);
  } catch {
    // A version that checks the time synchronously gives no such signal: one macrotask, as a fallback.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return;
  }
  await probe.then(
    () => undefined,
    () => undefined,
  );
}

// The one owner of the webview's event listeners, timers and animation frames: views register through it,
// and `dispose()` removes all of them.

/** Something that releases what it holds. */
export interface Releasable {
  dispose(): void;
}

/** A per-frame callback; receives the frame's timestamp. */
export type FrameCallback = (now: number) => void;

/** Owns every listener, timer, observer and the single animation-frame loop of the page. */
export class Lifecycle implements Releasable {
  private readonly releases: (() => void)[] = [];
  private readonly frameCallbacks = new Set<FrameCallback>();
  private frameHandle: number | undefined;
  private disposed = false;

  /** Adds an event listener; removed on dispose (or by calling the returned function). */
  listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    handler: (event: HTMLElementEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): () => void;
  listen<K extends keyof WindowEventMap>(target: Window, type: K, handler: (event: WindowEventMap[K]) => void, options?: AddEventListenerOptions): () => void;
  listen<K extends keyof DocumentEventMap>(target: Document, type: K, handler: (event: DocumentEventMap[K]) => void, options?: AddEventListenerOptions): () => void;
  listen(target: EventTarget, type: string, handler: (event: Event) => void, options?: AddEventListenerOptions): () => void;
  listen(target: EventTarget, type: string, handler: (event: never) => void, options?: AddEventListenerOptions): () => void {
    const listener = handler as (event: Event) => void;
    target.addEventListener(type, listener, options);
    return this.own(() => target.removeEventListener(type, listener, options));
  }

  /** Calls `callback` every `ms` milliseconds. */
  every(ms: number, callback: () => void): () => void {
    const handle = setInterval(callback, ms);
    return this.own(() => clearInterval(handle));
  }

  /** Calls `callback` once after `ms` milliseconds. */
  after(ms: number, callback: () => void): () => void {
    let release = (): void => undefined;
    const handle = setTimeout(() => {
      release();
      callback();
    }, ms);
    release = this.own(() => clearTimeout(handle));
    return release;
  }

  /** Observes size changes of an element. */
  observeResize(element: Element, callback: () => void): () => void {
    const observer = new ResizeObserver(() => callback());
    observer.observe(element);
    return this.own(() => observer.disconnect());
  }

  /** Observes attribute changes of an element (VS Code marks theme changes on body's class). */
  observeAttributes(element: Element, callback: () => void): () => void {
    const observer = new MutationObserver(() => callback());
    observer.observe(element, { attributes: true });
    return this.own(() => observer.disconnect());
  }

  /** Runs `callback` on every animation frame until the returned function is called. */
  onFrame(callback: FrameCallback): () => void {
    this.frameCallbacks.add(callback);
    this.requestFrame();
    return this.own(() => this.frameCallbacks.delete(callback));
  }

  /** Takes ownership of something to dispose. */
  add(item: Releasable): () => void {
    return this.own(() => item.dispose());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frameHandle !== undefined) cancelAnimationFrame(this.frameHandle);
    this.frameCallbacks.clear();
    for (const release of this.releases.splice(0).reverse()) release();
  }

  private own(release: () => void): () => void {
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      const index = this.releases.indexOf(once);
      if (index >= 0) this.releases.splice(index, 1);
      release();
    };
    if (this.disposed) {
      release();
      done = true;
    } else {
      this.releases.push(once);
    }
    return once;
  }

  private requestFrame(): void {
    if (this.frameHandle !== undefined || this.disposed) return;
    this.frameHandle = requestAnimationFrame((now) => {
      this.frameHandle = undefined;
      for (const callback of [...this.frameCallbacks]) callback(now);
      if (this.frameCallbacks.size > 0) this.requestFrame();
    });
  }
}

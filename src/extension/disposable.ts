/** Anything with a `dispose()` method. */
export interface IDisposable {
  dispose(): void;
}

/** Disposes every item, collecting the first error and rethrowing it after all were tried. */
export function disposeAll(items: Iterable<IDisposable>): void {
  let firstError: unknown;
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
}

/** Base class that owns disposables registered with `_register` and disposes them (last first) with itself. */
export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  /** True once `dispose()` ran. */
  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `item`; disposes it at once if this object is already disposed. */
  protected _register<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned.splice(0).reverse());
  }
}

/** Wraps a callback as a disposable. */
export function toDisposable(dispose: () => void): IDisposable {
  return { dispose };
}

/** Anything that holds a resource and can give it back. */
export interface IDisposable {
  dispose(): void | Promise<void>;
}

export function toDisposable(release: () => void | Promise<void>): IDisposable {
  let released = false;
  return {
    dispose: () => {
      if (released) return;
      released = true;
      return release();
    },
  };
}

/**
 * Owns child resources and releases them in reverse order of registration, so that a
 * resource is always disposed before the ones it was built on.
 */
export class Disposable implements IDisposable {
  private readonly children: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Adds a child. A child registered after disposal is disposed at once. */
  register<T extends IDisposable>(child: T): T {
    if (this.disposed) {
      void Promise.resolve(child.dispose()).catch(() => undefined);
    } else {
      this.children.push(child);
    }
    return child;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    while (this.children.length > 0) {
      const child = this.children.pop()!;
      try {
        await child.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to dispose');
  }
}

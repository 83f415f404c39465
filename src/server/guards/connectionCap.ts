/** Counts open long-lived connections of one kind and refuses more than the cap. */
export class ConnectionCap {
  private open = 0;

  constructor(readonly max: number) {}

  tryAcquire(): (() => void) | undefined {
    if (this.open >= this.max) return undefined;
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
    };
  }

  get count(): number {
    return this.open;
  }
}

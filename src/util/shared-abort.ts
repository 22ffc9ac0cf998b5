/**
 * An abort signal for work that several callers share (single flight): it aborts once every caller
 * that joined has aborted, and never while one that cannot abort (no signal) is waiting.
 */
export class SharedAbort {
  private readonly controller = new AbortController();
  private waiting = 0;
  private kept = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  join(signal: AbortSignal | undefined): void {
    if (!signal) {
      this.kept = true;
      return;
    }
    if (signal.aborted) return this.leave();
    this.waiting++;
    signal.addEventListener(
      'abort',
      () => {
        this.waiting--;
        this.leave();
      },
      { once: true },
    );
  }

  private leave(): void {
    if (this.waiting === 0 && !this.kept) this.controller.abort();
  }
}

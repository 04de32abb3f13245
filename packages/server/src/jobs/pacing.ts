/**
 * How a worker sharing its process with the HTTP server (`tributary serve`) yields to webhook ingest.
 *
 * The rule: while deliveries keep arriving (one within the last `quietMs`), the worker applies one batch at
 * a time instead of its full concurrency, so acknowledgements keep the CPU, and the backlog is applied in
 * the gaps and in larger batches. It never yields past `maxLagMs`: a batch whose oldest event has waited
 * that long runs at once, whatever the ingest, so the backlog never grows beyond what the worker at full
 * concurrency cannot keep up with. With `maxLagMs` 0 (or no ingest in the process) nothing yields.
 */
export class WorkerPacing {
  private lastIngest = Number.NEGATIVE_INFINITY;
  private running = 0;
  private readonly waiting = new Set<() => void>();
  private readonly maxLagMs: number;
  private readonly quietMs: number;

  constructor(opts: { maxLagSeconds: number; quietMs?: number }) {
    this.maxLagMs = opts.maxLagSeconds * 1000;
    this.quietMs = opts.quietMs ?? 100;
  }

  /** A delivery arrived. */
  noteIngest(): void {
    this.lastIngest = performance.now();
  }

  /** Whether ingest is busy now: a delivery within the last `quietMs`. */
  ingestBusy(): boolean {
    return performance.now() - this.lastIngest < this.quietMs;
  }

  private mayRun(oldestMs: number): boolean {
    if (this.maxLagMs <= 0 || this.running === 0) return true;
    if (Date.now() - oldestMs >= this.maxLagMs) return true;
    return !this.ingestBusy();
  }

  /**
   * Waits until a batch whose oldest event was received at `oldestMs` (epoch ms) may run; resolves with the
   * release to call when it is done. Re-checked whenever a batch ends and every `quietMs`.
   */
  async admit(oldestMs: number): Promise<() => void> {
    while (!this.mayRun(oldestMs)) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.quietMs);
        this.waiting.add(wake);
      });
    }
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      for (const wake of [...this.waiting]) wake();
    };
  }
}

import { ApiError } from '../http/errors.ts';

/** A fixed-window counter per key, in memory: slows password guessing against one account from one address. */
export class AttemptLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly max: number;
  private readonly windowMs: number;
  constructor(max: number, windowMs: number) {
    this.max = max;
    this.windowMs = windowMs;
  }

  check(key: string): void {
    const now = Date.now();
    if (this.windows.size > 10_000)
      for (const [k, w] of this.windows) if (w.resetAt < now) this.windows.delete(k);
    const w = this.windows.get(key);
    if (!w || w.resetAt < now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      return;
    }
    w.count++;
    if (w.count > this.max)
      throw new ApiError('rate_limited', 'Too many sign-in attempts; wait a few minutes and try again.');
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}

export const loginLimiter = new AttemptLimiter(10, 15 * 60_000);

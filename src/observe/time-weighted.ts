// Time-weighted level (queue length, busy cores): mean and max over simulated time, in O(1) memory.

/**
 * Tracks a level that changes at event times. `set` integrates the previous
 * level over the elapsed time, so the mean is exact for a step function.
 * `startAtMs` begins the observation window (for warm-up): integration starts
 * there, with the level as it stands then.
 */
export class TimeWeighted {
  level = 0;
  max = 0;
  private area = 0;
  private lastMs: number;
  private startMs: number;

  constructor(startAtMs = 0) {
    this.lastMs = startAtMs;
    this.startMs = startAtMs;
  }

  /** Change the level by `delta` at simulated time `nowMs`. */
  add(delta: number, nowMs: number): void {
    this.set(this.level + delta, nowMs);
  }

  set(level: number, nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.area += this.level * (nowMs - this.lastMs);
      this.lastMs = nowMs;
      // the old level stood inside the window up to now
      if (this.level > this.max) this.max = this.level;
    }
    this.level = level;
    if (nowMs >= this.startMs && level > this.max) this.max = level;
  }

  /** Mean level over [startAtMs, nowMs]. */
  mean(nowMs: number): number {
    const span = nowMs - this.startMs;
    if (span <= 0) return this.level;
    const area = this.area + (nowMs > this.lastMs ? this.level * (nowMs - this.lastMs) : 0);
    return area / span;
  }

  /** Max level seen inside the window (including the level standing at its start). */
  maxSince(nowMs: number): number {
    return nowMs >= this.startMs ? Math.max(this.max, this.level) : 0;
  }
}

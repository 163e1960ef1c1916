// Time-weighted level (queue length, busy cores): mean and max over simulated time, in O(1) memory.

/**
 * Tracks a level that changes at event times. `set` integrates the previous
 * level over the elapsed time, so the mean is exact for a step function. The
 * integral runs from time 0 (the live view reads it during the warm-up too);
 * `mean` and `maxSince` cover the window from `startAtMs` (the end of the warm-up).
 */
export class TimeWeighted {
  level = 0;
  max = 0;
  private area = 0;
  private lastMs = 0;
  /** The integral up to startMs, fixed once time passes it. */
  private areaAtStart = NaN;

  constructor(private readonly startMs = 0) {
    if (startMs <= 0) this.areaAtStart = 0;
  }

  /** Change the level by `delta` at simulated time `nowMs`. */
  add(delta: number, nowMs: number): void {
    this.set(this.level + delta, nowMs);
  }

  set(level: number, nowMs: number): void {
    if (nowMs > this.lastMs) {
      if (Number.isNaN(this.areaAtStart) && nowMs >= this.startMs) this.areaAtStart = this.area + this.level * (this.startMs - this.lastMs);
      this.area += this.level * (nowMs - this.lastMs);
      this.lastMs = nowMs;
      // the old level stood inside the window up to now
      if (nowMs > this.startMs && this.level > this.max) this.max = this.level;
    }
    this.level = level;
    if (nowMs >= this.startMs && level > this.max) this.max = level;
  }

  /** Integral of the level from time 0 to nowMs (level x ms). */
  integral(nowMs: number): number {
    return this.area + (nowMs > this.lastMs ? this.level * (nowMs - this.lastMs) : 0);
  }

  /** Mean level over [startAtMs, nowMs]; NaN when that window is empty (the run ended in the warm-up). */
  mean(nowMs: number): number {
    const span = nowMs - this.startMs;
    if (span <= 0) return NaN;
    const atStart = !Number.isNaN(this.areaAtStart) ? this.areaAtStart : this.area + this.level * (this.startMs - this.lastMs);
    return (this.integral(nowMs) - atStart) / span;
  }

  /** Max level seen inside the window (including the level standing at its start); NaN when the window is empty. */
  maxSince(nowMs: number): number {
    return nowMs > this.startMs ? Math.max(this.max, this.level) : NaN;
  }
}

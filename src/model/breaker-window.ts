// The outcomes a circuit breaker judges: the last N calls, or the calls of the last T ms, kept as running counts.

/** An outcome's flags: it failed; it was slow. */
export const FAILED = 1;
export const SLOW = 2;

/** How many outcomes are judged together, and how many of them failed or were slow. */
export interface OutcomeCounts {
  readonly calls: number;
  readonly failed: number;
  readonly slow: number;
}

/** Outcomes in the order they were added. Only ever appended to, so a stretch of it never changes. */
class Log {
  readonly atMs: number[] = [];
  readonly flags: number[] = [];

  /** A new log holding entries [start, end) of this one. */
  slice(start: number, end: number): Log {
    const l = new Log();
    for (let i = start; i < end; i++) {
      l.atMs.push(this.atMs[i]);
      l.flags.push(this.flags[i]);
    }
    return l;
  }
}

/** A log is compacted once at least this many entries have left its windows and they outnumber the ones still in. */
const COMPACT_AFTER = 64;

/**
 * A sliding window of outcomes with running counts: the last `size` outcomes
 * (kind count), or those with atMs > now - size (kind time), `now` being the
 * time of the latest one. Adding to it costs O(1) (amortized for time
 * windows, whose outcomes leave in bulk).
 *
 * Persistent: `add` returns a new window and leaves the old one as it was, so
 * a pure statechart can hold one in its context, and the context stays O(1)
 * to copy. The windows made from one another share an append-only log, each
 * reading its own stretch [start, end) of it: a window adding at the log's end
 * appends in place; one whose stretch is no longer the end of the log (a
 * window made from it added since) shares that entry if it is the same
 * outcome, and copies its own stretch otherwise. A log is replaced by a copy
 * of its live stretch once most of it has left the window, so its memory
 * stays within about twice the window's outcomes.
 */
export class OutcomeWindow implements OutcomeCounts {
  private constructor(
    readonly kind: 'count' | 'time',
    readonly size: number,
    private readonly log: Log | null,
    private readonly start: number,
    private readonly end: number,
    readonly calls: number,
    readonly failed: number,
    readonly slow: number,
  ) {}

  static empty(kind: 'count' | 'time', size: number): OutcomeWindow {
    return new OutcomeWindow(kind, size, null, 0, 0, 0, 0, 0);
  }

  /**
   * The window once an outcome at `atMs` (never earlier than the latest one's)
   * joins it: first the outcomes it pushes out leave (the oldest, in a full
   * count window; those with atMs <= atMs - size, in a time window).
   */
  add(atMs: number, flags: number): OutcomeWindow {
    let log = this.log;
    let start = this.start;
    let end = this.end;
    let failed = this.failed;
    let slow = this.slow;
    if (log === null) {
      log = new Log();
    } else {
      if (this.kind === 'count') {
        while (end - start >= this.size) {
          const f = log.flags[start++];
          failed -= f & FAILED;
          slow -= (f & SLOW) >> 1;
        }
      } else {
        const horizonMs = atMs - this.size;
        while (start < end && log.atMs[start] <= horizonMs) {
          const f = log.flags[start++];
          failed -= f & FAILED;
          slow -= (f & SLOW) >> 1;
        }
      }
      if (log.atMs.length !== end) {
        // a window made from this one has added since: share its entry if it is this outcome
        if (log.atMs[end] !== atMs || log.flags[end] !== flags) {
          log = log.slice(start, end);
          end -= start;
          start = 0;
        }
      } else if (start >= COMPACT_AFTER && start >= end - start) {
        log = log.slice(start, end);
        end -= start;
        start = 0;
      }
    }
    if (log.atMs.length === end) {
      log.atMs.push(atMs);
      log.flags.push(flags);
    }
    return new OutcomeWindow(
      this.kind,
      this.size,
      log,
      start,
      end + 1,
      end + 1 - start,
      failed + (flags & FAILED),
      slow + ((flags & SLOW) >> 1),
    );
  }

  /** For `msim machines --json`: the counts, not the log. */
  toJSON(): OutcomeCounts & { kind: string; size: number } {
    return { kind: this.kind, size: this.size, calls: this.calls, failed: this.failed, slow: this.slow };
  }
}

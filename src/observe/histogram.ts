// Streaming latency histogram with bounded relative error and flat memory (log-linear buckets).

const MANTISSA_BITS = 10; // 1024 sub-buckets per power of two: bucket width <= 2^-10 of its value
const SUB = 1 << MANTISSA_BITS;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/** Counters are kept in blocks of this many adjacent buckets, allocated on first use. */
const BLOCK_BITS = 6;
const BLOCK = 1 << BLOCK_BITS;
const BLOCKS_PER_EXPONENT = SUB / BLOCK;
/** A value's high word shifted by this is its block's key: exponent x BLOCKS_PER_EXPONENT + block. */
const BLOCK_KEY_SHIFT = 20 - MANTISSA_BITS + BLOCK_BITS;
/** Exponents the first window spans (it grows to take any value). */
const FIRST_WINDOW = 4;

/**
 * Records non-negative values (milliseconds) into buckets indexed by the float's
 * exponent and its top 10 mantissa bits. A bucket spans at most 2^-10 (0.098%)
 * of its lower edge, and a percentile is reported at the bucket's midpoint
 * (clamped to the exact min and max), so its relative error is at most 0.049%.
 * Mean, min, max and count are exact.
 *
 * Memory follows what is recorded, not the range a double can hold: counters
 * live in blocks of 64 adjacent buckets (512 bytes), allocated on first use,
 * found through a window of exponents that grows to take the values seen. A
 * service's latencies typically touch a handful of blocks, so thousands of
 * services cost kilobytes each (one 8 KB array per power of two and a 16 KB
 * index per histogram made 5,000 services take 600 MB).
 *
 * Written here rather than taken from hdr-histogram-js: that package measured
 * 160-176 ns a record on this machine class against about 4 ns for this one,
 * and a request records several latencies (end to end, workload, every service).
 */
export class Histogram {
  /** Blocks by (exponent - firstExponent) x BLOCKS_PER_EXPONENT + block within the exponent; in value order. */
  private blocks: (Float64Array | undefined)[] = [];
  /** The exponent of blocks[0]; -1 before the first positive value. */
  private firstExponent = -1;
  /** The key of blocks[0]: firstExponent x BLOCKS_PER_EXPONENT. */
  private firstKey = 0;
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(valueMs: number): void {
    this.count++;
    this.sum += valueMs;
    if (valueMs < this.min) this.min = valueMs;
    if (valueMs > this.max) this.max = valueMs;
    if (valueMs <= 0) {
      this.zeros++;
      return;
    }
    f64[0] = valueMs;
    const hi = u32[HI];
    // a block's key is the exponent and the top 4 mantissa bits: the high word's top 16 bits (the sign is 0)
    const at = (hi >>> BLOCK_KEY_SHIFT) - this.firstKey;
    const blocks = this.blocks;
    let block = at >>> 0 < blocks.length ? blocks[at] : undefined;
    if (block === undefined) block = this.newBlock(hi);
    block[(hi >>> (20 - MANTISSA_BITS)) & (BLOCK - 1)]++;
  }

  /** The block for a value's high word when it is not there yet: the window widened, the block allocated. */
  private newBlock(hi: number): Float64Array {
    const exponent = (hi >>> 20) & 0x7ff;
    const bucket = (hi >>> (20 - MANTISSA_BITS)) & (SUB - 1);
    let at = (exponent - this.firstExponent) * BLOCKS_PER_EXPONENT + (bucket >>> BLOCK_BITS);
    if (this.firstExponent < 0 || at < 0 || at >= this.blocks.length) at = this.widen(exponent, bucket);
    let block = this.blocks[at];
    if (block === undefined) block = this.blocks[at] = new Float64Array(BLOCK);
    return block;
  }

  /** Grow the window of exponents to take `exponent`; returns the block index of (exponent, bucket). */
  private widen(exponent: number, bucket: number): number {
    if (this.firstExponent < 0) {
      this.firstExponent = Math.max(0, exponent - (FIRST_WINDOW >> 1));
      this.blocks = new Array(FIRST_WINDOW * BLOCKS_PER_EXPONENT).fill(undefined);
    } else {
      const spanned = this.blocks.length / BLOCKS_PER_EXPONENT;
      const first = Math.min(this.firstExponent, exponent);
      const last = Math.max(this.firstExponent + spanned - 1, exponent);
      // at least double, so that a run of growing values widens a logarithmic number of times
      const size = Math.max(last - first + 1, 2 * spanned);
      const newFirst = exponent < this.firstExponent ? Math.max(0, last - size + 1) : first;
      const next: (Float64Array | undefined)[] = new Array(size * BLOCKS_PER_EXPONENT).fill(undefined);
      const shift = (this.firstExponent - newFirst) * BLOCKS_PER_EXPONENT;
      for (let i = 0; i < this.blocks.length; i++) next[i + shift] = this.blocks[i];
      this.blocks = next;
      this.firstExponent = newFirst;
    }
    this.firstKey = this.firstExponent * BLOCKS_PER_EXPONENT;
    return (exponent - this.firstExponent) * BLOCKS_PER_EXPONENT + (bucket >>> BLOCK_BITS);
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Nearest-rank percentile: the smallest recorded value with at least p% of values at or below it. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = this.zeros;
    if (seen >= rank) return 0;
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      if (block === undefined) continue;
      for (let m = 0; m < BLOCK; m++) {
        const c = block[m];
        if (c === 0) continue;
        seen += c;
        if (seen >= rank) {
          const exponent = this.firstExponent + Math.floor(i / BLOCKS_PER_EXPONENT);
          const bucket = (i % BLOCKS_PER_EXPONENT) * BLOCK + m;
          return clamp(bucketMid(exponent, bucket), this.min, this.max);
        }
      }
    }
    return this.max;
  }

  /** How many recorded values are at or below `valueMs` (a bucket counts by its midpoint, as percentiles do). */
  countAtOrBelow(valueMs: number): number {
    if (valueMs < this.min) return 0;
    if (valueMs >= this.max) return this.count;
    let seen = this.zeros;
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      if (block === undefined) continue;
      const exponent = this.firstExponent + Math.floor(i / BLOCKS_PER_EXPONENT);
      const first = (i % BLOCKS_PER_EXPONENT) * BLOCK;
      for (let m = 0; m < BLOCK; m++) {
        const c = block[m];
        if (c === 0) continue;
        if (bucketMid(exponent, first + m) > valueMs) return seen;
        seen += c;
      }
    }
    return seen;
  }

  /** Add another histogram's counts into this one. */
  merge(other: Histogram): void {
    this.count += other.count;
    this.sum += other.sum;
    this.zeros += other.zeros;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    const src = other.blocks;
    for (let i = 0; i < src.length; i++) {
      const from = src[i];
      if (from === undefined) continue;
      const exponent = other.firstExponent + Math.floor(i / BLOCKS_PER_EXPONENT);
      const firstBucket = (i % BLOCKS_PER_EXPONENT) * BLOCK;
      let at = (exponent - this.firstExponent) * BLOCKS_PER_EXPONENT + (firstBucket >>> BLOCK_BITS);
      if (this.firstExponent < 0 || at < 0 || at >= this.blocks.length) at = this.widen(exponent, firstBucket);
      let to = this.blocks[at];
      if (to === undefined) to = this.blocks[at] = new Float64Array(BLOCK);
      for (let m = 0; m < BLOCK; m++) to[m] += from[m];
    }
  }

  /** Blocks of counters allocated (memory is this x 512 bytes, plus the window's index). */
  get blockCount(): number {
    let n = 0;
    for (const b of this.blocks) if (b !== undefined) n++;
    return n;
  }

  /** Empty the histogram, keeping its blocks allocated (for histograms reused window after window). */
  clear(): void {
    for (const block of this.blocks) if (block !== undefined) block.fill(0);
    this.zeros = 0;
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  reset(): void {
    this.blocks = [];
    this.firstExponent = -1;
    this.firstKey = 0;
    this.zeros = 0;
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

function bucketMid(exponent: number, mantissaTop: number): number {
  const lo = bucketEdge(exponent, mantissaTop);
  const hi = mantissaTop + 1 === SUB ? bucketEdge(exponent + 1, 0) : bucketEdge(exponent, mantissaTop + 1);
  return (lo + hi) / 2;
}

function bucketEdge(exponent: number, mantissaTop: number): number {
  u32[HI] = (exponent << 20) | (mantissaTop << (20 - MANTISSA_BITS));
  u32[1 - HI] = 0;
  return f64[0];
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../engine/rng.js';
import type { Eviction } from '../scenario/spec.js';
import { CacheStore } from './cache-store.js';

/** A slow, obviously right cache to compare with: entries in an array, the victim found by scanning. */
class ReferenceCache {
  entries: { key: number; expiresAtMs: number; uses: number; lastUse: number; inserted: number }[] = [];
  evictions = 0;
  expirations = 0;
  private clock = 0;
  constructor(
    readonly capacity: number,
    readonly eviction: Eviction,
  ) {}
  get(key: number, now: number): boolean {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i < 0) return false;
    if (this.entries[i].expiresAtMs <= now) {
      this.expirations++;
      this.entries.splice(i, 1);
      return false;
    }
    this.entries[i].uses++;
    this.entries[i].lastUse = ++this.clock;
    return true;
  }
  set(key: number, expiresAtMs: number): void {
    const e = this.entries.find((x) => x.key === key);
    if (e) {
      e.expiresAtMs = expiresAtMs;
      if (this.eviction === 'lru') e.lastUse = ++this.clock;
      return;
    }
    if (this.entries.length === this.capacity) {
      const rank = (x: (typeof this.entries)[number]) =>
        this.eviction === 'lru' ? [x.lastUse] : this.eviction === 'fifo' ? [x.inserted] : [x.uses, x.lastUse];
      let victim = 0;
      for (let i = 1; i < this.entries.length; i++) {
        const a = rank(this.entries[i]);
        const b = rank(this.entries[victim]);
        if (a[0] < b[0] || (a[0] === b[0] && (a[1] ?? 0) < (b[1] ?? 0))) victim = i;
      }
      this.evictions++;
      this.entries.splice(victim, 1);
    }
    const t = ++this.clock;
    this.entries.push({ key, expiresAtMs, uses: 1, lastUse: t, inserted: t });
  }
  delete(key: number): void {
    this.entries = this.entries.filter((e) => e.key !== key);
  }
}

describe('CacheStore', () => {
  for (const eviction of ['lru', 'fifo', 'lfu'] as const) {
    it(`${eviction}: agrees with a reference implementation over 20,000 random operations`, () => {
      const rng = new RandomStreams(7).stream(`ops:${eviction}`);
      const store = new CacheStore(50, eviction);
      const ref = new ReferenceCache(50, eviction);
      for (let i = 0; i < 20_000; i++) {
        const key = Math.floor(rng.next() ** 2 * 200); // skewed, so hits and evictions both happen
        const op = rng.next();
        if (op < 0.6) {
          const hit = store.get(key, 0) >= 0;
          expect(hit).toBe(ref.get(key, 0));
          if (!hit) {
            store.set(key, 0, Infinity);
            ref.set(key, Infinity);
          }
        } else if (op < 0.95) {
          store.set(key, 0, Infinity);
          ref.set(key, Infinity);
        } else {
          store.delete(key);
          ref.delete(key);
        }
        expect(store.size).toBe(ref.entries.length);
      }
      expect(store.evictions).toBe(ref.evictions);
      // the eviction order itself
      const expected = [...ref.entries]
        .sort((a, b) =>
          eviction === 'lru'
            ? a.lastUse - b.lastUse
            : eviction === 'fifo'
              ? a.inserted - b.inserted
              : a.uses - b.uses || a.lastUse - b.lastUse,
        )
        .map((e) => e.key);
      expect(store.order()).toEqual(expected);
    });
  }

  it('random: stays at capacity, keeps every key findable, and evicts uniformly', () => {
    const store = new CacheStore(100, 'random', new RandomStreams(3).stream('evict'));
    const present = new Set<number>();
    for (let k = 0; k < 100; k++) {
      store.set(k, 0, Infinity);
      present.add(k);
    }
    // insert 100,000 new keys; the first 100 keys' survival after one insertion is 99/100 each
    let survivors = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const probe = 1_000_000 + t;
      store.set(probe, 0, Infinity);
      store.set(2_000_000 + t, 0, Infinity); // one more insertion: the probe survives it with probability 0.99
      if (store.has(probe, 0)) survivors++;
    }
    expect(store.size).toBe(100);
    // binomial(2000, 0.99): mean 1980, sd 4.45; 5 sd either side
    expect(survivors).toBeGreaterThan(1980 - 5 * 4.45);
    expect(survivors).toBeLessThan(1980 + 5 * 4.45);
    expect(store.evictions).toBe(4000);
  });

  it('TTL: an entry is a hit until it expires, then a miss counted as an expiration', () => {
    const store = new CacheStore(10, 'lru');
    store.set(1, 0, 1000);
    expect(store.get(1, 999)).toBeGreaterThanOrEqual(0);
    expect(store.get(1, 1000)).toBe(-1);
    expect(store.expirations).toBe(1);
    expect(store.size).toBe(0);
    // setting again renews it
    store.set(1, 1000, 2000);
    store.set(1, 1500, 3000);
    expect(store.get(1, 2500)).toBeGreaterThanOrEqual(0);
  });

  it('an expired entry chosen to make room counts as an expiration, not an eviction', () => {
    const store = new CacheStore(2, 'fifo');
    store.set(1, 0, 100);
    store.set(2, 0, 10_000);
    store.set(3, 500, 10_500); // at 500 the entry of key 1 has expired
    expect(store.expirations).toBe(1);
    expect(store.evictions).toBe(0);
  });

  it('refreshing marks are taken once and cleared by the next set', () => {
    const store = new CacheStore(4, 'lru');
    const slot = store.set(5, 0, 100);
    expect(store.markRefreshing(slot)).toBe(true);
    expect(store.markRefreshing(slot)).toBe(false);
    store.set(5, 0, 200);
    expect(store.markRefreshing(store.get(5, 0))).toBe(true);
  });

  it('clear empties it (a restart) and it fills again', () => {
    const store = new CacheStore(8, 'lfu');
    for (let k = 0; k < 20; k++) store.set(k, 0, Infinity);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.get(19, 0)).toBe(-1);
    for (let k = 0; k < 8; k++) store.set(k, 0, Infinity);
    expect(store.size).toBe(8);
    for (let k = 0; k < 8; k++) expect(store.has(k, 0)).toBe(true);
  });

  it('holds a million distinct keys through a small table without losing any (hash deletion is sound)', () => {
    const store = new CacheStore(1000, 'lru');
    for (let k = 0; k < 1_000_000; k++) store.set(k * 1999, 0, Infinity);
    expect(store.size).toBe(1000);
    for (let k = 999_000; k < 1_000_000; k++) expect(store.has(k * 1999, 0)).toBe(true);
    expect(store.has(998_999 * 1999, 0)).toBe(false);
  });
});

// One cache's contents: exact per-key entries in a hash table with an intrusive eviction list (LRU, LFU, FIFO, random) and TTLs.
import type { RandomStream } from '../engine/rng.js';
import type { Eviction } from '../scenario/spec.js';

const NONE = -1;

/**
 * A bounded map from integer keys to entries, memory proportional to its
 * capacity (never to the key space): slots in typed arrays, an open-addressing
 * hash table (linear probing, backward-shift deletion) from key to slot, and a
 * doubly linked list through the slots in eviction order, its head the next
 * victim:
 * - lru: by last use (a hit moves the entry to the tail);
 * - fifo: by insertion (hits do not move it);
 * - lfu: by use count, ties by last use (O(1): each count's last entry is kept);
 * - random: no list; a uniformly chosen entry goes.
 * Expired entries are found lazily (on lookup, or when one is chosen to go).
 */
export class CacheStore {
  size = 0;
  /** Entries removed to make room while still fresh. */
  evictions = 0;
  /** Entries found expired (on lookup, or chosen to make room after they had expired). */
  expirations = 0;
  private readonly keys: Int32Array;
  private readonly expiresAtMs: Float64Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly uses: Uint32Array | null;
  private readonly refreshing: Uint8Array;
  private head = NONE;
  private tail = NONE;
  /** lfu: the last slot of each use count in the list. */
  private readonly groupTail = new Map<number, number>();
  /** Slots not holding an entry (a stack) and the next never-used slot. */
  private readonly free: Int32Array;
  private freeTop = 0;
  private fresh = 0;
  /** Hash table of slot + 1 (0: empty), a power of two at least twice the capacity. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(
    readonly capacity: number,
    readonly eviction: Eviction,
    private readonly rng: RandomStream | null = null,
  ) {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) throw new Error(`cache capacity must be a whole number >= 1, not ${capacity}`);
    if (eviction === 'random' && rng === null) throw new Error('random eviction needs a random stream');
    this.keys = new Int32Array(capacity);
    this.expiresAtMs = new Float64Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.uses = eviction === 'lfu' ? new Uint32Array(capacity) : null;
    this.refreshing = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    let bits = 1;
    while (1 << bits < capacity * 2) bits++;
    this.table = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  /** The entry's slot if the key is cached and fresh at `nowMs` (counting it as a use), else -1. An expired entry is dropped. */
  get(key: number, nowMs: number): number {
    const slot = this.find(key);
    if (slot === NONE) return NONE;
    if (this.expiresAtMs[slot] <= nowMs) {
      this.expirations++;
      this.remove(slot);
      return NONE;
    }
    this.touch(slot);
    return slot;
  }

  /** Is the key cached and fresh (without counting a use)? */
  has(key: number, nowMs: number): boolean {
    const slot = this.find(key);
    return slot !== NONE && this.expiresAtMs[slot] > nowMs;
  }

  /** Cache the key at `nowMs` until `expiresAtMs` (Infinity: no TTL); an entry already there is renewed. Returns its slot. */
  set(key: number, nowMs: number, expiresAtMs: number): number {
    let slot = this.find(key);
    if (slot !== NONE) {
      if (this.eviction === 'lru') this.moveToTail(slot);
    } else {
      if (this.size === this.capacity) this.evictOne(nowMs);
      slot = this.freeTop > 0 ? this.free[--this.freeTop] : this.fresh++;
      this.keys[slot] = key;
      this.insertKey(key, slot);
      this.size++;
      if (this.uses !== null) {
        this.uses[slot] = 1;
        const anchor = this.groupTail.get(1);
        this.insertAfter(anchor ?? NONE, slot);
        this.groupTail.set(1, slot);
      } else if (this.eviction !== 'random') {
        this.insertAfter(this.tail, slot);
      }
    }
    this.expiresAtMs[slot] = expiresAtMs;
    this.refreshing[slot] = 0;
    return slot;
  }

  /** Drop the key; false if it was not there. */
  delete(key: number): boolean {
    const slot = this.find(key);
    if (slot === NONE) return false;
    this.remove(slot);
    return true;
  }

  /** Empty the cache (a restart): counters stay. */
  clear(): void {
    this.table.fill(0);
    this.groupTail.clear();
    this.head = this.tail = NONE;
    this.size = this.freeTop = this.fresh = 0;
  }

  expiresAt(slot: number): number {
    return this.expiresAtMs[slot];
  }

  /** Mark an entry as being refreshed ahead of its expiry; false if it already was. Cleared when it is set again. */
  markRefreshing(slot: number): boolean {
    if (this.refreshing[slot] === 1) return false;
    this.refreshing[slot] = 1;
    return true;
  }

  /** Keys in eviction order, the next victim first (for tests; random has no order). */
  order(): number[] {
    const out: number[] = [];
    for (let s = this.head; s !== NONE; s = this.next[s]) out.push(this.keys[s]);
    return out;
  }

  private evictOne(nowMs: number): void {
    const slot = this.eviction === 'random' ? Math.floor(this.rng!.next() * this.capacity) : this.head;
    // every slot is in use when the cache is full, so a uniform slot is a uniform entry
    if (this.expiresAtMs[slot] <= nowMs) this.expirations++;
    else this.evictions++;
    this.remove(slot);
  }

  private touch(slot: number): void {
    if (this.eviction === 'lru') this.moveToTail(slot);
    else if (this.uses !== null) this.countUse(slot);
  }

  private moveToTail(slot: number): void {
    if (this.tail === slot) return;
    this.unlink(slot);
    this.insertAfter(this.tail, slot);
  }

  /** lfu: one more use moves the entry to the end of the next count's group. */
  private countUse(slot: number): void {
    const uses = this.uses!;
    const f = uses[slot];
    const before = this.prev[slot];
    this.leaveGroup(slot, f);
    this.unlink(slot);
    uses[slot] = f + 1;
    // after the next group's last entry, else after the last entry used f times or fewer
    const anchor = this.groupTail.get(f + 1) ?? this.groupTail.get(f) ?? before;
    this.insertAfter(anchor, slot);
    this.groupTail.set(f + 1, slot);
  }

  private leaveGroup(slot: number, f: number): void {
    if (this.groupTail.get(f) !== slot) return;
    const p = this.prev[slot];
    if (p !== NONE && this.uses![p] === f) this.groupTail.set(f, p);
    else this.groupTail.delete(f);
  }

  private remove(slot: number): void {
    if (this.uses !== null) this.leaveGroup(slot, this.uses[slot]);
    if (this.eviction !== 'random') this.unlink(slot);
    this.deleteKey(this.keys[slot]);
    this.free[this.freeTop++] = slot;
    this.size--;
  }

  private insertAfter(anchor: number, slot: number): void {
    const after = anchor === NONE ? this.head : this.next[anchor];
    this.prev[slot] = anchor;
    this.next[slot] = after;
    if (anchor === NONE) this.head = slot;
    else this.next[anchor] = slot;
    if (after === NONE) this.tail = slot;
    else this.prev[after] = slot;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
  }

  private bucket(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  private find(key: number): number {
    const table = this.table;
    for (let i = this.bucket(key); ; i = (i + 1) & this.mask) {
      const v = table[i];
      if (v === 0) return NONE;
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  private insertKey(key: number, slot: number): void {
    let i = this.bucket(key);
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
  }

  /** Backward-shift deletion: later entries of the probe run move up so lookups never stop early. */
  private deleteKey(key: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = this.bucket(key);
    while (this.keys[table[i] - 1] !== key) i = (i + 1) & mask;
    let hole = i;
    for (let j = (hole + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.bucket(this.keys[table[j] - 1]);
      // move j into the hole unless its home lies cyclically in (hole, j]
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
  }
}

// Integer hashing for deterministic choices that draw no random numbers (rendezvous shards, partitions, trace ids).

/** MurmurHash3's 32-bit finalizer: a well-mixed unsigned 32-bit hash of an integer. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

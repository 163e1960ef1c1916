// W3C-style trace and span ids, deterministic from the run's seed and the request's number (no randomness of the model used).
import { mix32 } from '../../engine/hash.js';

/** `words` 32-bit words of hash from some integers, as lowercase hex (8 characters a word); never all zeros. */
function hexWords(parts: readonly number[], words: number): string {
  let out = '';
  let h = 0x9e3779b9;
  for (const p of parts) h = mix32(h ^ mix32(p | 0) ^ mix32(Math.floor(p / 4294967296)));
  for (let w = 0; w < words; w++) {
    h = mix32(h + 0x6d2b79f5 + w);
    out += h.toString(16).padStart(8, '0');
  }
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** A 16-byte trace id (32 hex characters) of request `seq` of a run with `seed`. */
export function traceId(seed: number, seq: number): string {
  return hexWords([seed, seq, 1], 4);
}

/** An 8-byte span id (16 hex characters): span `index` of the request, its server side (0) or its caller's side (1). */
export function spanId(seed: number, seq: number, index: number, side: 0 | 1): string {
  return hexWords([seed, seq, index, side, 2], 2);
}

// Key spaces: which key each request asks for (zipf, uniform or a hot set) and whether it is a write.
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import { ZipfSampler } from '../engine/zipf.js';
import type { KeySpaceSpec } from '../scenario/spec.js';

/** Draws keys 0..count-1 of one key space (0 the most popular), offset so that key spaces never share a key. */
export interface KeySampler {
  draw(): number;
}

export function createKeySampler(spec: KeySpaceSpec, offset: number, rng: RandomStream): KeySampler {
  const pop = spec.popularity;
  const n = spec.count;
  if (pop.kind === 'zipf') {
    const zipf = new ZipfSampler(n, pop.exponent, rng);
    return { draw: () => offset + zipf.sample() - 1 };
  }
  if (pop.kind === 'hotset') {
    const hot = Math.min(n, Math.max(1, Math.round(pop.keyShare * n)));
    return {
      draw: () => {
        if (hot === n || rng.next() < pop.requestShare) return offset + Math.floor(rng.next() * hot);
        return offset + hot + Math.floor(rng.next() * (n - hot));
      },
    };
  }
  return { draw: () => offset + Math.floor(rng.next() * n) };
}

/** The keys an endpoint's requests ask for: a key each, and a write with the key space's write share. */
export class KeySource {
  private readonly keys: KeySampler;
  private readonly writeRng: RandomStream;
  readonly writeShare: number;

  constructor(
    readonly space: KeySpaceSpec,
    offset: number,
    streams: RandomStreams,
    endpointId: string,
  ) {
    this.keys = createKeySampler(space, offset, streams.stream(`keys:${space.name}:${endpointId}`));
    this.writeRng = streams.stream(`keys:${space.name}:${endpointId}:writes`);
    this.writeShare = space.writes;
  }

  draw(): number {
    return this.keys.draw();
  }

  isWrite(): boolean {
    return this.writeShare > 0 && this.writeRng.next() < this.writeShare;
  }
}

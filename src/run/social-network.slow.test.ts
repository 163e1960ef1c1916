// What scenarios/social-network.yaml shows: the request mix by its weights, fan-outs of 10 post reads, and the home timeline's partial answers cutting its tail.
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { runScenario } from './run.js';

const file = new URL('../../scenarios/social-network.yaml', import.meta.url).pathname;

describe('what the social-network scenario shows', () => {
  const r = runScenario(loadScenarioFile(file));

  it('sends the mix by its weights (60/30/10), each entry reported', () => {
    const m = r.mixes!.users;
    // ~20,000 requests: the binomial SD of a share is at most 0.0035; 4.5 SD = 0.016
    expect(Math.abs(m['frontend.home'].share! - 0.6)).toBeLessThan(0.016);
    expect(Math.abs(m['frontend.user'].share! - 0.3)).toBeLessThan(0.016);
    expect(Math.abs(m['frontend.compose'].share! - 0.1)).toBeLessThan(0.016);
    expect(r.requests.failed + r.requests.rejected).toBe(0);
  });

  it('composing a post fans out to text, user, media and unique-id, and text to url-shorten and user-mention: one call each', () => {
    const composes = r.edges['frontend->compose-post'].calls;
    for (const callee of ['text', 'user', 'media', 'unique-id', 'post-storage', 'user-timeline', 'home-timeline'])
      expect(r.edges[`compose-post->${callee}`].calls).toBe(composes);
    expect(r.edges['text->url-shorten'].calls).toBe(composes);
    expect(r.edges['text->user-mention'].calls).toBe(composes);
  });

  it('a timeline reads 10 posts in one step; the caches take over half of the reads off their origins', () => {
    for (const t of ['home-timeline', 'user-timeline']) {
      const f = r.fanouts![`${t}->post-storage`];
      expect(f.copies).toBe(10 * f.gathers);
    }
    expect(r.cachedEndpoints['post-storage.read'].originLoadReduction!).toBeGreaterThan(0.5);
    expect(r.caches['timeline-cache'].hitRatio!).toBeGreaterThan(0.3);
  });

  it("the home timeline answers with 90% of its posts past 20 ms: its p99 stays under the database's 50 ms slow reads, the user timeline's does not", () => {
    const m = r.mixes!.users;
    // a post read misses its cache 43% of the time and a miss is slow (50 ms) 2% of the time: a timeline of 10 posts
    // meets one with probability 1 - (1 - 0.43 x 0.02)^10 = 8%, past its p99: the user timeline waits for it
    expect(m['frontend.user'].latencyMs.p99!).toBeGreaterThan(50);
    expect(m['frontend.home'].latencyMs.p99!).toBeLessThan(30);
    expect(r.fanouts!['home-timeline->post-storage'].partial).toBeGreaterThan(0.05 * r.fanouts!['home-timeline->post-storage'].gathers);
    expect(r.fanouts!['user-timeline->post-storage'].partial).toBe(0);
  });
});

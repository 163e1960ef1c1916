// Admission settings that cannot work as written: a queue for concurrency slots on a service that has no concurrency limit.
import type { Problem } from '../problems.js';
import { type Raw, isMapping } from '../raw.js';
import type { Section } from '../section.js';

export const admission: Section = { name: 'admission', check: checkAdmission };

/**
 * A replica's `queue` holds requests waiting for a concurrency slot; without a
 * `concurrency` limit every request gets a slot at once and the queue is never
 * used (requests wait for a core instead, without bound). Refused, rather than
 * silently ignored.
 */
function checkAdmission(data: Raw): Problem[] {
  const out: Problem[] = [];
  if (!isMapping(data.services)) return out;
  for (const [name, svc] of Object.entries(data.services)) {
    if (!isMapping(svc) || svc.queue === undefined || svc.queue === 'unlimited') continue;
    if (svc.concurrency === undefined || svc.concurrency === 'unlimited') {
      out.push({
        path: ['services', name, 'queue'],
        expected:
          'a concurrency limit with it (a queue holds requests waiting for a concurrency slot; without a limit every request gets a slot and waits for a core instead, without bound)',
        found: `queue: ${JSON.stringify(svc.queue)} and no concurrency`,
        atKey: true,
      });
    }
  }
  return out;
}

// Loads the dashboard: first the hooks that bound Ink's caches, then Ink and the dashboard itself.
import { register } from 'node:module';

let registered = false;

/** Import run-dashboard (and Ink with it) with Ink's text caches bounded. */
export async function loadDashboard(): Promise<typeof import('./run-dashboard.js')> {
  if (!registered) {
    registered = true;
    register('./ink-cache-hooks.js', import.meta.url);
  }
  return import('./run-dashboard.js');
}

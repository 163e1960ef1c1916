// A run's report as one self-contained HTML page: summary tables, charts over time (hand-written SVG), the call graph.
import type { Report } from '../report.js';

export function htmlReport(report: Report): string {
  return `<!doctype html><title>${report.scenario}</title>\n`;
}

// Renders the pattern catalogue (docs/patterns.md) from the pattern files; a test keeps it current.

import type { Pattern } from './detect/pattern-spec.js';

/** Markdown catalogue of all patterns, grouped by area. */
export function renderCatalogue(patterns: Pattern[]): string {
  const out = ['# Pattern catalogue', '', 'Generated from `patterns/**/*.yaml` by `npm run catalogue`; do not edit by hand.', ''];
  out.push(`${patterns.length} patterns.`, '', '| Pattern | Severity | Role | Flink | Title |', '|---|---|---|---|---|');
  const sorted = [...patterns].sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id));
  for (const p of sorted) out.push(`| [\`${p.id}\`](#${p.id}) | ${p.severity} | ${p.role ?? 'root'} | ${p.flink ?? 'all'} | ${p.title.replace(/\|/g, '\\|')} |`);
  out.push('');
  let area = '';
  for (const p of sorted) {
    if (p.area !== area) {
      area = p.area;
      out.push(`## ${area}`, '');
    }
    out.push(`### ${p.id}`, '', `**${p.title}** — ${p.severity}${p.role === 'consequence' ? ', consequence' : ''}${p.flink ? `, Flink ${p.flink}` : ''}.`, '');
    out.push(p.summary.trim(), '');
    out.push('References: ' + p.references.map((r) => `<${r}>`).join(', '), '');
  }
  return out.join('\n');
}

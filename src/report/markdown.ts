// Markdown reporter for support tickets (GitHub / GitLab flavoured): a summary table, then each
// finding with its fix, impact, configuration and evidence in collapsible <details> blocks.

import type { Diagnosis, Finding } from '../model.js';
import { countLine, environmentSummary, trimLine } from './common.js';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fence(text: string, lang = ''): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** Renders the Markdown report. */
export function renderMarkdown(d: Diagnosis): string {
  const out: string[] = ['# flink-doctor report', ''];
  for (const l of environmentSummary(d)) out.push(`- ${esc(l)}`);
  if (d.interrupted) out.push('- **Scan interrupted**: the report covers only what was read before the stop.');
  out.push('');
  if (d.findings.length === 0) out.push('No known failure found.', '');
  else {
    out.push('| # | Severity | Finding | Occurrences | First seen |', '|---|---|---|---|---|');
    d.findings.forEach((f, i) => out.push(`| ${i + 1} | ${f.severity} | ${esc(f.title)} (\`${f.id}\`) | ${f.occurrences} | ${f.firstSeen ?? '—'} |`));
    out.push('');
  }
  d.findings.forEach((f, i) => out.push(...finding(f, i + 1)));
  if (d.muted.length) {
    out.push('## Muted findings', '');
    for (const f of d.muted) out.push(`- \`${f.id}\` — ${esc(f.title)} (${f.occurrences} occurrences)`);
    out.push('');
  }
  if (d.warnings.length) {
    out.push('## Warnings', '');
    for (const w of d.warnings) out.push(`- \`${esc(w.source)}\`: ${esc(w.message)}`);
    out.push('');
  }
  return out.join('\n');
}

function finding(f: Finding, n: number): string[] {
  const out = [`## ${n}. ${esc(f.title)} — ${f.severity}`, '', `\`${f.id}\` · ${esc(countLine(f))}`, '', esc(f.summary), '', '**Fix**', '', fence(f.remediation), ''];
  if (f.impact.length) {
    out.push('**Impact**', '');
    for (const i of f.impact) out.push(`- ${esc(i)}`);
    out.push('');
  }
  if (f.config.length) {
    out.push('**Configuration in effect**', '', '| Key | Value | Where |', '|---|---|---|');
    for (const c of f.config) out.push(`| \`${esc(c.key)}\` | \`${esc(c.value)}\` | ${esc(c.source)}:${c.line} |`);
    out.push('');
  }
  if (f.consequences.length) {
    out.push('**What it led to**', '');
    for (const q of f.consequences) out.push(`- ${esc(q.title)} (${q.count}×)${q.evidence[0] ? ` — \`${esc(q.evidence[0].source)}:${q.evidence[0].line}\`` : ''}`);
    out.push('');
  }
  out.push('<details><summary>Evidence</summary>', '');
  for (const e of f.evidence) out.push(`\`${esc(e.source)}:${e.line}\` (${e.role})`, '', fence(trimLine(e.text.trim(), 400)), '');
  out.push('</details>', '');
  out.push('<details><summary>Why this happens</summary>', '', esc(f.cause), '', '</details>', '');
  out.push('**Verify**', '', esc(f.verify), '');
  if (f.unchecked.length) {
    out.push('**Not checked**', '');
    for (const u of f.unchecked) out.push(`- ${esc(u)}`);
    out.push('');
  }
  out.push('**References**', '');
  for (const r of f.references) out.push(`- ${r}`);
  out.push('');
  return out;
}

// Markdown reporter for support tickets (GitHub / GitLab flavoured): the environment table, a
// summary table, each finding with its fix, impact, configuration and evidence in collapsible
// <details> blocks, the checkpoint timeline table (timeline.ts), muted findings and warnings.

import type { Diagnosis, Finding } from '../model.js';
import { countLine, environmentRows, orderedFindings, trimLine } from './common.js';
import { timelineMarkdown } from './timeline.js';

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
  out.push('| | |', '|---|---|');
  for (const [k, v] of environmentRows(d)) out.push(`| **${esc(k)}** | ${esc(v)} |`);
  out.push('');
  if (d.interrupted) out.push('> **Scan interrupted**: the report covers only what was read before the stop.', '');
  const findings = orderedFindings(d.findings);
  if (findings.length === 0) out.push('No known failure found.', '');
  else {
    out.push('| # | Severity | Finding | Occurrences | First seen |', '|---|---|---|---|---|');
    findings.forEach((f, i) => out.push(`| ${i + 1} | ${f.severity} | ${esc(f.title)} (\`${f.id}\`) | ${f.occurrences} | ${f.firstSeen ?? '—'} |`));
    out.push('');
  }
  findings.forEach((f, i) => out.push(...finding(f, i + 1)));
  out.push(...timelineMarkdown(d, esc));
  const unchecked = [...new Set(findings.flatMap((f) => f.unchecked.map((u) => `\`${f.id}\`: ${esc(u)}`)))];
  if (unchecked.length) out.push('## Not checked', '', ...unchecked.map((u) => `- ${u}`), '');
  if (d.muted.length) {
    out.push('## Muted findings', '');
    for (const f of d.muted) out.push(`- \`${f.id}\` — ${esc(f.title)} (${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}): ${esc(f.summary)}`);
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
  out.push('**References**', '');
  for (const r of f.references) out.push(`- ${r}`);
  out.push('');
  return out;
}

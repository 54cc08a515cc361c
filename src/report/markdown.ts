// Markdown reporter for support tickets (GitHub / GitLab flavoured): the environment table, a
// summary table, each finding with its fix (the configuration change in a YAML block), impact,
// configuration and why, the evidence in a collapsible <details> block, the unknown failures no
// pattern knows (a ranked table, one trimmed trace each, known noise listed apart), the checkpoint
// timeline table (timeline.ts), muted findings and warnings. Jira users have --format jira.

import type { Diagnosis, Finding } from '../model.js';
import { countLine, noFindingLine, orderedFindings, shortPaths } from './common.js';
import { environmentRows } from './environment.js';
import { causeText, elide, textBlocks, trimLine } from './prose.js';
import { benignLabel, unknownHeading, unknownTitle, unknownView, unknownWhere } from './unknown-section.js';
import { timelineMarkdown } from './timeline.js';
import { causeNotFoundText, chainLines } from './chain.js';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fence(text: string, lang = ''): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** Renders the Markdown report. */
export function renderMarkdown(d: Diagnosis, opts: { unknown?: number } = {}): string {
  const out: string[] = ['# flink-doctor report', ''];
  out.push('| | |', '|---|---|');
  for (const [k, v] of environmentRows(d)) out.push(`| **${esc(k)}** | ${v.split('\n').map(esc).join('<br>')} |`);
  out.push('');
  if (d.interrupted) out.push('> **Scan interrupted**: the report covers only what was read before the stop.', '');
  const findings = orderedFindings(d.findings);
  if (findings.length === 0) out.push(esc(noFindingLine(d)), '');
  else {
    out.push('| # | Severity | Finding | Occurrences | First seen |', '|---|---|---|---|---|');
    findings.forEach((f, i) => out.push(`| ${i + 1} | ${f.severity} | ${esc(f.title)} (\`${f.id}\`) | ${f.occurrences} | ${f.firstSeen ?? '—'} |`));
    out.push('');
  }
  findings.forEach((f, i) => out.push(...finding(f, i + 1)));
  out.push(...unknownMarkdown(d, opts.unknown));
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

/** A pattern text as Markdown: paragraphs, list items, and commands or configuration in fences (YAML for configuration). */
export function markdownBlocks(text: string): string[] {
  const out: string[] = [];
  for (const b of textBlocks(text)) {
    const pad = b.inItem ? '   ' : '';
    // Configuration as YAML, commands as shell; Java or build-file lines (`.returns(…)`, `<tag>`) unlabelled.
    if (b.kind === 'code') out.push(...fence(b.text, b.yaml ? 'yaml' : /^[.<]/.test(b.text) ? '' : 'sh').split('\n').map((l) => pad + l), '');
    else if (b.kind === 'item') out.push(`${/^\d/.test(b.marker!) ? b.marker : '-'} ${esc(b.text)}`, '');
    else out.push(pad + esc(b.text), '');
  }
  return out;
}

function finding(f: Finding, n: number): string[] {
  const out = [`## ${n}. ${esc(f.title)} — ${f.severity}`, '', `\`${f.id}\` · ${esc(countLine(f))}`, '', esc(f.summary), '', '**Fix**', '', ...markdownBlocks(f.remediation)];
  if (f.impact.length) {
    out.push('**Impact**', '');
    for (const i of f.impact) out.push(`- ${esc(i)}`);
    out.push('');
  }
  if (f.config.length) {
    const paths = shortPaths(f.config.map((c) => c.source));
    out.push(`**Configuration in effect**${paths.prefix ? ` (files under \`${esc(paths.prefix)}\`)` : ''}`, '', '| Key | Value | Where |', '|---|---|---|');
    for (const c of f.config) out.push(`| \`${esc(c.key)}\` | \`${esc(c.value)}\` | ${esc(paths.short(c.source))}:${c.line} |`);
    out.push('');
  }
  const chain = chainLines(f);
  if (chain.length) {
    out.push('**What it led to**', '');
    for (const q of chain) out.push(`${'  '.repeat(q.depth)}- ${esc(q.title)} (${q.count}×)${q.via ? ` _${esc(q.via)}_` : ''}${q.where ? ` — \`${esc(q.where)}\`` : ''}`);
    out.push('');
  }
  const missing = causeNotFoundText(f);
  if (missing) out.push('**Cause not in these logs**', '', esc(missing), '');
  if (f.evidence.length) {
    out.push('<details><summary>Evidence</summary>', '');
    for (const e of f.evidence) out.push(`\`${esc(e.source)}:${e.line}\` (${e.role})`, '', fence(elide(e.text.trim(), 400)), '');
    out.push('</details>', '');
  }
  const why = causeText(f);
  if (why.trim()) out.push('**Why this happens**', '', ...markdownBlocks(why));
  out.push('**Verify**', '', ...markdownBlocks(f.verify));
  out.push('**References**', '');
  for (const r of f.references) out.push(`- ${r}`);
  out.push('');
  return out;
}

function unknownMarkdown(d: Diagnosis, n: number | undefined): string[] {
  const v = unknownView(d, n);
  if (!v) return [];
  const out = ['## Unknown failures', '', `No pattern knows these; ${esc(unknownHeading(v))}. Ranked by likely relevance.`, ''];
  if (v.top.length === 0) out.push('None outside known background noise.', '');
  else {
    out.push('| Rank | Fingerprint | Failure | Count | First seen | Last seen | Where |', '|---|---|---|---|---|---|---|');
    for (const g of v.top) out.push(`| ${g.rank} | \`${g.fingerprint}\` | ${g.level ? `${g.level} ` : ''}${esc(trimLine(unknownTitle(g), 160))} | ${g.count} | ${g.firstSeen ?? '—'} | ${g.lastSeen ?? '—'} | ${esc(unknownWhere(g))} |`);
    out.push('');
    for (const g of v.top) {
      out.push(`<details><summary>${g.rank}. <code>${g.fingerprint}</code> ${esc(trimLine(unknownTitle(g), 120))}</summary>`, '');
      if (g.reasons.length) out.push(`Why here: ${esc(g.reasons.join('; '))}`, '');
      out.push(`\`${esc(g.sample.source)}:${g.sample.line}\``, '', fence(g.sample.text.map((l) => trimLine(l, 300)).join('\n')), '', '</details>', '');
    }
  }
  if (v.benign.length) {
    out.push('**Known background noise** (demoted)', '');
    for (const g of v.benign) out.push(`- \`${g.fingerprint}\` ${g.level ?? ''} ${esc(trimLine(unknownTitle(g), 140))} — ${esc(benignLabel(g))}, ${g.count}×`);
    out.push('');
  }
  if (v.hidden > 0) out.push(`${v.hidden} more group${v.hidden === 1 ? '' : 's'} not listed (\`--unknown N\` lists more).`, '');
  return out;
}

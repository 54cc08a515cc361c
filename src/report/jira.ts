// Jira reporter (`--format jira`): the Markdown report's content in Jira wiki markup, for Jira
// Server / Data Center description fields and comments, which show Markdown and HTML as raw text:
// h2./h3. headings, ||header|| tables, {code:yaml} for the configuration change, {noformat} for
// log lines and commands, and no collapsible blocks. Paths in tables are relative to their common
// directory; evidence lines carry the full path.

import type { Diagnosis, Finding } from '../model.js';
import { countLine, noFindingLine, orderedFindings, shortPaths } from './common.js';
import { environmentRows } from './environment.js';
import { causeText, elide, textBlocks, trimLine } from './prose.js';
import { benignLabel, unknownHeading, unknownTitle, unknownView, unknownWhere } from './unknown-section.js';
import { buildTimelines, describeRow, FAILED_STATES, jobTitle, timelineSummary } from './timeline.js';
import { formatBytes, formatDuration } from './common.js';

/** Escapes the characters Jira wiki markup reads as formatting or links. */
export function jiraEscape(s: string): string {
  return s.replace(/([\\{}[\]|*_])/g, '\\$1').replace(/(^|\s)-(?=\S)/g, '$1\\-');
}
const esc = jiraEscape;

/** A table cell: escaped, never empty (Jira collapses empty cells). */
function cell(s: string): string {
  const t = esc(s).replace(/\n/g, ' \\\\ ');
  return t.trim() ? t : ' ';
}

/** Literal text: `{noformat}` unless the text holds that marker itself. */
function literal(text: string, lang?: string): string[] {
  if (lang && !text.includes('{code')) return [`{code:${lang}}`, text, '{code}'];
  return ['{noformat}', text.replace(/\{noformat\}/g, '{ noformat}'), '{noformat}'];
}

/** A pattern text in wiki markup: paragraphs, `#` / `*` lists, configuration in {code:yaml}, commands in {noformat}. */
export function jiraBlocks(text: string): string[] {
  const out: string[] = [];
  for (const b of textBlocks(text)) {
    if (b.kind === 'code') out.push(...literal(b.text, b.yaml ? 'yaml' : undefined));
    else if (b.kind === 'item') out.push(`${/^\d/.test(b.marker!) ? '#' : '*'} ${esc(b.text)}`);
    else out.push(esc(b.text), '');
  }
  return out;
}

/** Renders the Jira report. */
export function renderJira(d: Diagnosis, opts: { unknown?: number } = {}): string {
  const out: string[] = ['h1. flink-doctor report', ''];
  for (const [k, v] of environmentRows(d)) out.push(`||${esc(k)}|${cell(v)}|`);
  out.push('');
  if (d.interrupted) out.push('{warning}Scan interrupted: the report covers only what was read before the stop.{warning}', '');
  const findings = orderedFindings(d.findings);
  if (findings.length === 0) out.push(esc(noFindingLine(d)), '');
  else {
    out.push('||#||Severity||Finding||Occurrences||First seen||');
    findings.forEach((f, i) => out.push(`|${i + 1}|${f.severity}|${cell(f.title)} ({{${f.id}}})|${f.occurrences}|${cell(f.firstSeen ?? '—')}|`));
    out.push('');
  }
  findings.forEach((f, i) => out.push(...finding(f, i + 1)));
  out.push(...unknownJira(d, opts.unknown));
  out.push(...timelineJira(d));
  const unchecked = [...new Set(findings.flatMap((f) => f.unchecked.map((u) => `{{${f.id}}}: ${esc(u)}`)))];
  if (unchecked.length) out.push('h2. Not checked', '', ...unchecked.map((u) => `* ${u}`), '');
  if (d.muted.length) {
    out.push('h2. Muted findings', '');
    for (const f of d.muted) out.push(`* {{${f.id}}} — ${esc(f.title)} (${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}): ${esc(f.summary)}`);
    out.push('');
  }
  if (d.warnings.length) {
    out.push('h2. Warnings', '');
    for (const w of d.warnings) out.push(`* {{${esc(w.source)}}}: ${esc(w.message)}`);
    out.push('');
  }
  return out.join('\n');
}

function finding(f: Finding, n: number): string[] {
  const out = [`h2. ${n}. ${esc(f.title)} — ${f.severity}`, '', `{{${f.id}}} · ${esc(countLine(f))}`, '', esc(f.summary), '', '*Fix*', '', ...jiraBlocks(f.remediation), ''];
  if (f.impact.length) {
    out.push('*Impact*', '');
    for (const i of f.impact) out.push(`* ${esc(i)}`);
    out.push('');
  }
  if (f.config.length) {
    const paths = shortPaths(f.config.map((c) => c.source));
    out.push(`*Configuration in effect*${paths.prefix ? ` (files under {{${esc(paths.prefix)}}})` : ''}`, '', '||Key||Value||Where||');
    for (const c of f.config) out.push(`|{{${esc(c.key)}}}|{{${esc(c.value)}}}|${cell(`${paths.short(c.source)}:${c.line}`)}|`);
    out.push('');
  }
  if (f.consequences.length) {
    out.push('*What it led to*', '');
    for (const q of f.consequences) out.push(`* ${esc(q.title)} (${q.count}×)${q.evidence[0] ? ` — {{${esc(q.evidence[0].source)}:${q.evidence[0].line}}}` : ''}`);
    out.push('');
  }
  if (f.evidence.length) {
    out.push('*Evidence*', '');
    for (const e of f.evidence) out.push(`{{${esc(e.source)}:${e.line}}} (${e.role})`, ...literal(elide(e.text.trim(), 400)), '');
  }
  const why = causeText(f);
  if (why.trim()) out.push('*Why this happens*', '', ...jiraBlocks(why), '');
  out.push('*Verify*', '', ...jiraBlocks(f.verify), '');
  out.push('*References*', '');
  for (const r of f.references) out.push(`* [${r}]`);
  out.push('');
  return out;
}

function unknownJira(d: Diagnosis, n: number | undefined): string[] {
  const v = unknownView(d, n);
  if (!v) return [];
  const out = ['h2. Unknown failures', '', `No pattern knows these; ${esc(unknownHeading(v))}. Ranked by likely relevance.`, ''];
  if (v.top.length === 0) out.push('None outside known background noise.', '');
  for (const g of v.top) {
    out.push(`h3. ${g.rank}. ${esc(trimLine(unknownTitle(g), 160))}`, '', `{{${g.fingerprint}}} · ${g.level ?? ''} · ${g.count}× · ${esc(unknownWhere(g))}`, '');
    if (g.reasons.length) out.push(`Why here: ${esc(g.reasons.join('; '))}`, '');
    out.push(`{{${esc(g.sample.source)}:${g.sample.line}}}`, ...literal(g.sample.text.map((l) => trimLine(l, 300)).join('\n')), '');
  }
  if (v.benign.length) {
    out.push('*Known background noise* (demoted)', '');
    for (const g of v.benign) out.push(`* {{${g.fingerprint}}} ${g.level ?? ''} ${esc(trimLine(unknownTitle(g), 140))} — ${esc(benignLabel(g))}, ${g.count}×`);
    out.push('');
  }
  if (v.hidden > 0) out.push(`${v.hidden} more group${v.hidden === 1 ? '' : 's'} not listed ({{--unknown N}} lists more).`, '');
  return out;
}

function timelineJira(d: Diagnosis): string[] {
  const timelines = buildTimelines(d);
  const out: string[] = ['h2. Checkpoint timeline', ''];
  if (timelines.length === 0) return [...out, 'No checkpoint or job state change found (they come from the JobManager log).', ''];
  for (const t of timelines) {
    out.push(`h3. Job ${esc(jobTitle(t))}`, '', esc(timelineSummary(t)) + (t.start ? ` · ${esc(t.start)} → ${esc(t.end ?? '')}` : ''), '');
    out.push('||Time|| ||Event||Duration||Size||Detail||');
    for (const r of t.rows) {
      const { symbol, what, detail } = describeRow(r);
      const cp = r.kind === 'checkpoint' ? r.checkpoint : null;
      const bad = (cp && FAILED_STATES.has(cp.state)) || (r.kind === 'transition' && ['RESTARTING', 'FAILING', 'FAILED'].includes(r.transition.to));
      const rest = cp ? (cp.reason ?? '') : r.kind === 'gap' ? '' : detail;
      const event = r.kind === 'gap' ? `_${esc(detail)}_` : bad ? `*${esc(what)}*` : esc(what);
      out.push(`|${cell(r.time ?? '—')}|${cell(symbol)}|${event}|${cell(cp?.durationMs != null ? formatDuration(cp.durationMs) : '')}|${cell(cp?.bytes != null ? formatBytes(cp.bytes) : '')}|${cell(rest.replace(/\s+/g, ' ').slice(0, 160))}|`);
    }
    out.push('');
  }
  return out;
}

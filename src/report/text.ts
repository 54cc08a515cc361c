// Text reporter for terminals: the environment header, then each finding (severity, title, the
// cause in one sentence, the fix, impact, evidence with file:line, configuration, consequences,
// verification), the unknown failures no pattern knows (top groups, then known noise), the
// checkpoint timeline (timeline.ts), what could not be checked, muted findings and warnings.
// Colour only when the caller allows it (TTY, no NO_COLOR, no --no-color).

import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnosis, Finding, Severity, UnknownGroup } from '../model.js';
import { benignLabel, countLine, environmentRows, orderedFindings, trimLine, unknownCountLine, unknownHeading, unknownTitle, unknownView, unknownWhere } from './common.js';
import { timelineText } from './timeline.js';
import { causeNotFoundText, chainLines } from './chain.js';

/** Renders the text report. */
export function renderText(d: Diagnosis, opts: { color: boolean; unknown?: number }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  out.push(c.bold('flink-doctor report'));
  const rows = environmentRows(d);
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  for (const [k, v] of rows) out.push(`  ${c.dim((k + ':').padEnd(width))} ${v}`);
  if (d.interrupted) out.push(c.yellow('Scan interrupted: the report covers only what was read before the stop.'));
  out.push('');
  const findings = orderedFindings(d.findings);
  if (findings.length === 0) {
    out.push(c.green('No known failure found.'));
    out.push('');
  }
  findings.forEach((f, i) => out.push(...finding(f, i + 1, c), ''));
  out.push(...unknownText(d, opts.unknown, c));
  out.push(...timelineText(d, c), '');
  const unchecked = findings.flatMap((f) => f.unchecked.map((u) => `[${f.id}] ${u}`));
  if (unchecked.length > 0) {
    out.push(c.bold('Not checked:'));
    for (const u of [...new Set(unchecked)]) out.push(`  • ${u}`);
    out.push('');
  }
  if (d.muted.length > 0) {
    out.push(c.dim(`Muted by ignore rules (${d.muted.length}): ` + d.muted.map((f) => `${f.id} (${f.occurrences})`).join(', ')));
    out.push('');
  }
  if (d.warnings.length > 0) {
    out.push(c.yellow('Warnings:'));
    for (const w of d.warnings) out.push(`  ${w.source}: ${w.message}`);
    out.push('');
  }
  return out.join('\n');
}

function badge(s: Severity, c: ChalkInstance): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bgRed.white.bold(label);
    case 'error':
      return c.red.bold(label);
    case 'warning':
      return c.yellow.bold(label);
    default:
      return c.cyan(label);
  }
}

function indent(text: string, pad = '    '): string[] {
  return text.split('\n').map((l) => (l.length ? pad + l : ''));
}

function finding(f: Finding, n: number, c: ChalkInstance): string[] {
  const out: string[] = [];
  out.push(`${n}. ${badge(f.severity, c)} ${c.bold(f.title)} ${c.dim(`[${f.id}]`)}`);
  out.push(...indent(f.summary, '   '));
  out.push(c.dim(`   ${countLine(f)}`));
  out.push('');
  out.push(c.bold('   Fix:'));
  out.push(...indent(f.remediation, '     '));
  if (f.impact.length) {
    out.push(c.bold('   Impact:'));
    for (const i of f.impact) out.push(`     • ${i}`);
  }
  if (f.evidence.length) {
    out.push(c.bold('   Evidence:'));
    for (const e of f.evidence) out.push(`     ${c.cyan(`${e.source}:${e.line}`)} ${c.dim(`(${e.role})`)}`, `       ${trimLine(e.text.trim())}`);
  }
  if (f.config.length) {
    out.push(c.bold('   Configuration in effect:'));
    for (const k of f.config) out.push(`     ${k.key}: ${k.value}  ${c.dim(`(${k.source}:${k.line})`)}`);
  }
  const chain = chainLines(f);
  if (chain.length) {
    out.push(c.bold('   What it led to:'));
    for (const q of chain) out.push(`     ${'  '.repeat(q.depth)}${q.depth ? '└ ' : '• '}${q.title} (${q.count}×)${q.via ? c.dim(` [${q.via}]`) : ''}${q.where ? c.dim(` — ${q.where}`) : ''}`);
  }
  const missing = causeNotFoundText(f);
  if (missing) out.push(c.bold('   Cause not in these logs:'), ...indent(missing, '     '));
  out.push(c.bold('   Why:'));
  out.push(...indent(f.cause, '     '));
  out.push(c.bold('   Verify:'));
  out.push(...indent(f.verify, '     '));
  out.push(c.bold('   References:'));
  for (const r of f.references) out.push(`     ${r}`);
  return out;
}

/** The unknown-failure section: ranked groups with a trimmed trace, then known background noise. */
export function unknownText(d: Diagnosis, n: number | undefined, c: ChalkInstance): string[] {
  const v = unknownView(d, n);
  if (!v) return [];
  const out: string[] = [c.bold(`Unknown failures — no pattern knows them (${unknownHeading(v)}):`)];
  if (v.top.length === 0) out.push('  None outside known background noise.');
  for (const g of v.top) out.push(...unknownGroupText(g, c), '');
  if (v.benign.length) {
    out.push(c.dim('  Known background noise (demoted):'));
    for (const g of v.benign) out.push(c.dim(`    • ${g.level ? g.level + ' ' : ''}${trimLine(unknownTitle(g), 140)} — ${benignLabel(g)}, ${g.count}× [${g.fingerprint}]`));
  }
  if (v.hidden > 0) out.push(c.dim(`  ${v.hidden} more group${v.hidden === 1 ? '' : 's'} not listed (--unknown N lists more).`));
  out.push(c.dim('  Every occurrence: flink-doctor explain <fingerprint> <paths>; a pattern from one: flink-doctor patterns new --from <fingerprint> <paths>'), '');
  return out;
}

function unknownGroupText(g: UnknownGroup, c: ChalkInstance): string[] {
  const out = [`  ${g.rank}. ${g.level ? c.bold(g.level) + ' ' : ''}${c.bold(trimLine(unknownTitle(g), 180))} ${c.dim(`[${g.fingerprint}]`)}`];
  out.push(c.dim(`     ${unknownCountLine(g)} · ${unknownWhere(g)}`));
  if (g.reasons.length) out.push(c.dim(`     why here: ${g.reasons.join('; ')}`));
  out.push(`     ${c.cyan(`${g.sample.source}:${g.sample.line}`)}`);
  for (const l of g.sample.text) out.push(`       ${trimLine(l.replace(/^\t/, '  '), 200)}`);
  return out;
}

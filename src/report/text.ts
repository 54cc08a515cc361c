// Text reporter for terminals: the environment header, then each finding (severity, title, the
// cause in one sentence, the fix, impact, evidence with file:line, configuration, consequences,
// verification), the checkpoint timeline (timeline.ts), what could not be checked, muted findings
// and warnings. Colour only when the caller allows it (TTY, no NO_COLOR, no --no-color).

import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnosis, Finding, Severity } from '../model.js';
import { countLine, environmentRows, orderedFindings, trimLine } from './common.js';
import { timelineText } from './timeline.js';

/** Renders the text report. */
export function renderText(d: Diagnosis, opts: { color: boolean }): string {
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
  if (f.consequences.length) {
    out.push(c.bold('   What it led to:'));
    for (const q of f.consequences) {
      const ev = q.evidence[0];
      out.push(`     • ${q.title} (${q.count}×)${ev ? c.dim(` — ${ev.source}:${ev.line}`) : ''}`);
    }
  }
  out.push(c.bold('   Why:'));
  out.push(...indent(f.cause, '     '));
  out.push(c.bold('   Verify:'));
  out.push(...indent(f.verify, '     '));
  out.push(c.bold('   References:'));
  for (const r of f.references) out.push(`     ${r}`);
  return out;
}

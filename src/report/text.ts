// Text reporter for terminals: the environment header, then each finding (severity, title, the
// cause in one sentence, the fix, impact, evidence with file:line, configuration, consequences,
// verification), the unknown failures no pattern knows (top groups, then known noise), the
// checkpoint timeline (timeline.ts), what could not be checked, muted findings and warnings.
// Colour only when the caller allows it (TTY, no NO_COLOR, no --no-color).

import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnosis, Finding, Severity, UnknownGroup } from '../model.js';
import { countLine, noFindingLine, orderedFindings, shortPaths } from './common.js';
import { environmentRows } from './environment.js';
import { causeText, elide, textBlocks, trimLine, wrap, type TextBlock } from './prose.js';
import { benignLabel, unknownCountLine, unknownHeading, unknownTitle, unknownView, unknownWhere } from './unknown-section.js';
import { timelineText } from './timeline.js';
import { causeNotFoundText, chainLines } from './chain.js';

/** Renders the text report. */
export function renderText(d: Diagnosis, opts: { color: boolean; unknown?: number }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  out.push(c.bold('flink-doctor report'));
  const rows = environmentRows(d);
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  for (const [k, v] of rows) v.split('\n').forEach((line, i) => out.push(`  ${c.dim((i === 0 ? k + ':' : '').padEnd(width))} ${i === 0 ? line : `  ${line}`}`));
  if (d.interrupted) out.push(c.yellow('Scan interrupted: the report covers only what was read before the stop.'));
  out.push('');
  const findings = orderedFindings(d.findings);
  if (findings.length === 0) {
    out.push(d.inputs.some((i) => i.bytes > 0) ? c.green(noFindingLine(d)) : c.yellow(noFindingLine(d)));
    out.push('');
  }
  findings.forEach((f, i) => out.push(...findingText(f, i + 1, c), ''));
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

/** Report width for wrapped prose. */
const WIDTH = 100;

/** A pattern text (cause, fix, verification) wrapped to the report's width under `pad`; commands and configuration verbatim. */
export function blockLines(text: string, pad: string, c: ChalkInstance): string[] {
  const out: string[] = [];
  let prev: TextBlock | null = null;
  for (const b of textBlocks(text)) {
    const extra = b.inItem ? '   ' : '';
    // A blank line between paragraphs; commands and configuration stand out by their indent.
    if (prev && b.kind !== 'code' && prev.kind !== 'code' && !(prev.kind === 'item' && b.kind === 'item')) out.push('');
    if (b.kind === 'code') for (const l of b.text.split('\n')) out.push(`${pad}${extra}  ${c.cyan(l)}`);
    else if (b.kind === 'item') {
      const lead = `${b.marker} `;
      wrap(b.text, WIDTH - pad.length - lead.length).forEach((l, i) => out.push(`${pad}${i === 0 ? lead : ' '.repeat(lead.length)}${l}`));
    } else for (const l of wrap(b.text, WIDTH - pad.length - extra.length)) out.push(`${pad}${extra}${l}`);
    prev = b;
  }
  return out;
}

/** A bullet list item wrapped under a hanging indent. */
function bullet(text: string, pad: string): string[] {
  return wrap(text, WIDTH + 10 - pad.length - 2).map((l, i) => `${pad}${i === 0 ? '• ' : '  '}${l}`);
}

/**
 * One finding. The first screen holds what an operator acts on: title, what failed and why in a
 * sentence, the fix (with its configuration change) and the impact; the details follow.
 */
export function findingText(f: Finding, n: number | null, c: ChalkInstance): string[] {
  const out: string[] = [];
  out.push(`${n !== null ? `${n}. ` : ''}${badge(f.severity, c)} ${c.bold(f.title)} ${c.dim(`[${f.id}]`)}`);
  out.push(...wrap(f.summary, WIDTH - 3).map((l) => `   ${l}`));
  out.push(c.dim(`   ${countLine(f)}`));
  out.push(c.bold('   Fix:'));
  out.push(...blockLines(f.remediation, '     ', c));
  if (f.impact.length) {
    out.push(c.bold('   Impact:'));
    for (const i of f.impact) out.push(...bullet(i, '     '));
  }
  out.push(c.dim('   ── details ──'));
  if (f.evidence.length) {
    out.push(c.bold('   Evidence:'));
    for (const e of f.evidence) out.push(`     ${c.cyan(`${e.source}:${e.line}`)} ${c.dim(`(${e.role})`)}`, `       ${elide(e.text.trim(), WIDTH + 60)}`);
  }
  if (f.config.length) {
    const paths = shortPaths(f.config.map((k) => k.source));
    out.push(c.bold(`   Configuration in effect${paths.prefix ? c.dim(` (files under ${paths.prefix})`) : ''}:`));
    for (const k of f.config) out.push(`     ${k.key}: ${k.value}  ${c.dim(`(${paths.short(k.source)}:${k.line})`)}`);
  }
  const chain = chainLines(f);
  if (chain.length) {
    out.push(c.bold('   What it led to:'));
    for (const q of chain) out.push(`     ${'  '.repeat(q.depth)}${q.depth ? '└ ' : '• '}${q.title} (${q.count}×)${q.via ? c.dim(` [${q.via}]`) : ''}${q.where ? c.dim(` — ${q.where}`) : ''}`);
  }
  const missing = causeNotFoundText(f);
  if (missing) out.push(c.bold('   Cause not in these logs:'), ...blockLines(missing, '     ', c));
  const why = causeText(f);
  if (why.trim()) {
    out.push(c.bold('   Why:'));
    out.push(...blockLines(why, '     ', c));
  }
  out.push(c.bold('   Verify:'));
  out.push(...blockLines(f.verify, '     ', c));
  if (f.references.length) {
    out.push(c.bold('   References:'));
    for (const r of f.references) out.push(`     ${r}`);
  }
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

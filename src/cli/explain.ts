// `flink-doctor explain <fingerprint> [paths…]`: finds one unknown-failure group in a diagnosis
// and prints every occurrence (source:line and time) with the representative trace. Scanning
// and redaction are diagnose.ts's; grouping is src/unknown/'s.

import type { Diagnosis, UnknownGroup } from '../model.js';
import { benignLabel, unknownTitle } from '../report/unknown-section.js';
import { visibleDeep } from '../report/escape.js';
import { diagnoseForCli } from './diagnose.js';
import { UsageError, writeReport, type Io } from './io.js';
import type { ExplainOpts } from './options.js';

/** Lines of the representative record printed; the rest is counted. */
const MAX_TRACE_LINES = 80;

/** The group with this fingerprint (or unique prefix of one); a one-line message when there is none. */
export function findGroup(d: Diagnosis, fingerprint: string): UnknownGroup | string {
  const want = fingerprint.trim().toLowerCase();
  const exact = d.unknown.find((g) => g.fingerprint === want);
  if (exact) return exact;
  const prefix = want.length >= 5 ? d.unknown.filter((g) => g.fingerprint.startsWith(want.startsWith('fp-') ? want : `fp-${want}`)) : [];
  if (prefix.length === 1) return prefix[0]!;
  if (prefix.length > 1) return `fingerprint ${fingerprint} is ambiguous: ${prefix.map((g) => g.fingerprint).join(', ')}`;
  return `fingerprint ${fingerprint} is not in the input (${d.unknown.length} unknown-failure group${d.unknown.length === 1 ? '' : 's'} found; their fingerprints are in the report)`;
}

/** Text for one group: what it is, why it ranks where it does, every occurrence, the representative trace. */
export function explainText(g: UnknownGroup, d: Diagnosis): string {
  const out: string[] = [`${g.fingerprint} — ${g.level ? `${g.level} ` : ''}${unknownTitle(g)}`];
  out.push(`  rank ${g.rank} of ${d.unknown.length}${g.benign ? ` (known background noise: ${benignLabel(g)})` : ''}; ${g.count} occurrence${g.count === 1 ? '' : 's'}${g.firstSeen ? `, ${g.firstSeen}${g.lastSeen && g.lastSeen !== g.firstSeen ? ` → ${g.lastSeen}` : ''}` : ''}`);
  if (g.roles.length) out.push(`  roles: ${g.roles.join(', ')}`);
  if (g.frames.length) out.push(`  application frames: ${g.frames.join(' ← ')}`);
  if (g.reasons.length) out.push(`  why it ranks here: ${g.reasons.join('; ')}`);
  out.push('', `Occurrences (${g.count}${g.occurrences.length < g.count ? `, first ${g.occurrences.length} listed` : ''}):`);
  const width = Math.max(...g.occurrences.map((o) => `${o.source}:${o.line}`.length));
  for (const o of g.occurrences) out.push(`  ${`${o.source}:${o.line}`.padEnd(width)}  ${o.time ?? '(no timestamp)'}`);
  out.push('', `Representative trace (${g.sample.source}:${g.sample.line}):`);
  for (const l of g.record.slice(0, MAX_TRACE_LINES)) out.push(`  ${l}`);
  if (g.record.length > MAX_TRACE_LINES) out.push(`  … ${g.record.length - MAX_TRACE_LINES} more lines`);
  out.push('', `A pattern from it: flink-doctor patterns new --from ${g.fingerprint} <the same paths>`);
  return out.join('\n') + '\n';
}

export async function explainAction(fingerprint: string, paths: string[], opts: ExplainOpts, io: Io): Promise<number> {
  const diagnosis = await diagnoseForCli(paths, opts, io);
  if (!diagnosis) return 2;
  const group = findGroup(diagnosis, fingerprint);
  if (typeof group === 'string') throw new UsageError(group);
  writeReport(opts.format === 'json' ? JSON.stringify(group, null, 2) + '\n' : explainText(visibleDeep(group), visibleDeep(diagnosis)), opts, io);
  return diagnosis.interrupted ? 130 : 0;
}

// Suppression: a `.flink-doctor-ignore` file mutes known findings by pattern id and, optionally,
// a regex that must match the finding's summary or one of its evidence lines. Muted findings are
// kept in `muted[]`, shown in every report and never count toward --fail-on.

import { readFileSync } from 'node:fs';
import type { Finding, InputWarning } from './model.js';

/** An ignore file that cannot be read or holds a bad line: a user error, reported in one line. */
export class IgnoreError extends Error {}

/** One line of an ignore file. */
export interface IgnoreRule {
  id: string;
  match: RegExp | null;
  source: string;
  line: number;
}

/** Parses ignore-file text: `<pattern-id> [regex]` per line, `#` starts a comment. */
export function parseIgnore(text: string, source: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!l) return;
    const [id, ...rest] = l.split(/\s+/);
    const pattern = rest.join(' ');
    let match: RegExp | null = null;
    if (pattern) {
      try {
        match = new RegExp(pattern);
      } catch (e) {
        throw new IgnoreError(`${source}:${i + 1}: invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
      }
    }
    rules.push({ id: id!, match, source, line: i + 1 });
  });
  return rules;
}

/** Reads an ignore file; throws with a one-line message when it cannot be read. */
export function readIgnoreFile(path: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new IgnoreError(`${path}: cannot read ignore file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseIgnore(text, path);
}

/** Splits findings into kept and muted ones. */
export function applyIgnores(findings: Finding[], rules: IgnoreRule[]): { kept: Finding[]; muted: Finding[] } {
  const kept: Finding[] = [];
  const muted: Finding[] = [];
  for (const f of findings) {
    const hit = rules.some((r) => r.id === f.id && (!r.match || r.match.test(f.summary) || f.evidence.some((e) => r.match!.test(e.text))));
    (hit ? muted : kept).push(f);
  }
  return { kept, muted };
}

/** Warnings for rules that name no known pattern id (a misspelt id mutes nothing). */
export function unknownRuleIds(rules: IgnoreRule[], knownIds: Iterable<string>): InputWarning[] {
  const known = new Set(knownIds);
  const near = (id: string): string | null => {
    let best: string | null = null;
    let bestD = 3;
    for (const k of known) {
      const d = distance(id, k);
      if (d < bestD) [best, bestD] = [k, d];
    }
    return best;
  };
  return rules
    .filter((r) => !known.has(r.id))
    .map((r) => {
      const guess = near(r.id);
      return { source: `${r.source}:${r.line}`, message: `ignore rule names no known pattern id '${r.id}'; it mutes nothing${guess ? ` (did you mean ${guess}?)` : ''}` };
    });
}

/** Edit distance of two short strings (ids), for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

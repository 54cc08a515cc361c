// Suppression: a `.flink-doctor-ignore` file mutes known findings by pattern id and, optionally,
// a regex that must match the finding's summary or one of its evidence lines. Muted findings are
// kept in `muted[]`, shown in every report and never count toward --fail-on.

import { readFileSync } from 'node:fs';
import type { Finding } from './model.js';

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
        throw new Error(`${source}:${i + 1}: invalid regular expression: ${(e as Error).message}`);
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
    throw new Error(`${path}: cannot read ignore file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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

// Patterns as Sigma detection rules: the literals as keywords (any of them), the line regex as a
// `|re` selection on the message field, both required; one YAML document per pattern, with a
// comment above it naming what Sigma cannot hold. Rule ids are UUIDs derived from the pattern id,
// so a rule keeps its id from one export to the next.

import { createHash } from 'node:crypto';
import { yamlLib } from '../lazy.js';
import type { Severity } from '../model.js';
import type { LineQuery } from './query.js';

export interface SigmaOptions {
  /** The field holding the log line. */
  field: string;
  /** The rule date (YYYY-MM-DD). */
  date: string;
}

const LEVEL: Record<Severity, string> = { critical: 'critical', error: 'high', warning: 'medium', info: 'low' };

/** A stable UUID (version 5 layout) for a pattern id. */
export function ruleId(patternId: string): string {
  const h = createHash('sha1').update(`flink-doctor pattern ${patternId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A Sigma plain value: *, ? and \ are wildcards and escapes there. */
export function sigmaValue(s: string): string {
  return s.replace(/[\\*?]/g, '\\$&');
}

/** One pattern's rule as a plain object (null when it has neither literal nor regex). */
export function sigmaRule(q: LineQuery, opts: SigmaOptions): Record<string, unknown> | null {
  const p = q.pattern;
  if (!q.literals && !q.regex) return null;
  const detection: Record<string, unknown> = {};
  const parts: string[] = [];
  if (q.literals) {
    detection.keywords = q.literals.map(sigmaValue);
    parts.push('keywords');
  }
  if (q.regex) {
    detection.selection_line = { [`${opts.field}|re`]: q.regex };
    parts.push('selection_line');
  }
  detection.condition = parts.join(' and ');
  return {
    title: `Apache Flink: ${p.title}`.slice(0, 256),
    id: ruleId(p.id),
    status: 'experimental',
    description: `Log lines that may show the known Flink failure '${p.id}'. Run flink-doctor on the matching logs to confirm it and get the jobs, checkpoints and hosts it broke, the cause and the fix.`,
    references: [...new Set(p.references)],
    author: 'flink-doctor',
    date: opts.date,
    logsource: { product: 'flink', category: 'application' },
    detection,
    falsepositives: ['A line that quotes the failure text without the failure (flink-doctor tells them apart)'],
    level: LEVEL[p.severity],
  };
}

/** The rules as a multi-document YAML stream (patterns without a rule named in the first one's comments). */
export function sigmaRules(queries: LineQuery[], opts: SigmaOptions): string {
  const { stringify } = yamlLib();
  const docs: string[] = [];
  const without: string[] = [];
  for (const q of queries) {
    const rule = sigmaRule(q, opts);
    const comments = q.notExpressed.map((n) => `# ${q.pattern.id}: not expressed in Sigma: ${n}`);
    if (!rule) without.push(...comments, `# ${q.pattern.id}: no rule: it has neither literal nor line regex`);
    else docs.push(comments.join('\n') + '\n' + stringify(rule, { lineWidth: 0 }));
  }
  const head = ['# Sigma rules written by flink-doctor patterns export --to sigma', ...without].join('\n') + '\n';
  return head + docs.join('---\n');
}

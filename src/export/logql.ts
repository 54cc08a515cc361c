// Patterns as a Loki ruler rule file: one alerting rule per pattern whose expression counts the
// lines that pass the pattern's line filters (`|=` for one literal, `|~` for several or for the
// line regex) over a window. A comment above each rule names what LogQL cannot hold.

import type { LineQuery } from './query.js';
import { quoteRegex } from './query.js';

export interface LogqlOptions {
  /** The stream selector of the Flink logs, e.g. {namespace="flink"}. */
  selector: string;
  /** Range of count_over_time, e.g. 5m. */
  window: string;
}

/** A LogQL string literal: a raw `…` string when possible, else a double-quoted one. */
export function logqlString(s: string): string {
  return s.includes('`') ? JSON.stringify(s) : `\`${s}\``;
}

/** The log query (selector and line filters) of a pattern, or null when it has no line filter. */
export function logqlFilter(q: LineQuery, selector: string): string | null {
  const filters: string[] = [];
  if (q.literals) filters.push(q.literals.length === 1 ? `|= ${logqlString(q.literals[0]!)}` : `|~ ${logqlString(q.literals.map(quoteRegex).join('|'))}`);
  if (q.regex) filters.push(`|~ ${logqlString(q.regex)}`);
  return filters.length > 0 ? `${selector} ${filters.join(' ')}` : null;
}

/** The metric expression of a ruler alert for a pattern. */
export function logqlRuleExpr(q: LineQuery, opts: LogqlOptions): string | null {
  const f = logqlFilter(q, opts.selector);
  return f ? `sum(count_over_time(${f} [${opts.window}])) > 0` : null;
}

function alertName(id: string): string {
  return 'FlinkDoctor' + id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** A Loki ruler rule file (Prometheus rule-group YAML) for the patterns. */
export function logqlRules(queries: LineQuery[], opts: LogqlOptions): string {
  const out: string[] = [
    '# Loki ruler rules written by flink-doctor patterns export --to logql: each rule counts the lines',
    '# that pass a pattern\'s line filters; run flink-doctor on the matching lines for the finding,',
    '# its correlation, cause and fix.',
    'groups:',
    '  - name: flink-doctor',
    '    rules:',
  ];
  for (const q of queries) {
    const expr = logqlRuleExpr(q, opts);
    const p = q.pattern;
    for (const n of q.notExpressed) out.push(`      # ${p.id}: not expressed in LogQL: ${n}`);
    if (!expr) {
      out.push(`      # ${p.id}: no rule: it has no line filter`);
      continue;
    }
    out.push(
      `      - alert: ${alertName(p.id)}`,
      `        expr: ${JSON.stringify(expr)}`,
      `        labels:`,
      `          severity: ${p.severity}`,
      `          flink_doctor_pattern: ${p.id}`,
      `        annotations:`,
      `          summary: ${JSON.stringify(p.title)}`,
      `          description: ${JSON.stringify(`Lines that may show ${p.id}; confirm with: flink-doctor <the matching logs>`)}`,
    );
  }
  return out.join('\n') + '\n';
}

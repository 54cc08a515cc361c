// patterns export: every query parses in its language (LogQL with Grafana's Lezer grammar,
// Lucene with the lucene parser, Sigma rules against the Sigma JSON Schema), and every exported
// line filter lets through a line of each positive sample of its pattern (the platform's first
// filter never drops what flink-doctor would find).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import lucene from 'lucene';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../../src/detect/pattern.js';
import { lineQuery, lineRegex, type LineQuery } from '../../src/export/query.js';
import { logqlFilter, logqlRuleExpr, logqlRules } from '../../src/export/logql.js';
import { elasticsearchSearches, luceneQuery } from '../../src/export/elasticsearch.js';
import { sigmaRule, sigmaRules } from '../../src/export/sigma.js';
import { readSampleCases } from '../../src/samples.js';
import { cli } from '../helpers.js';

const patterns = loadPatterns([BUILTIN_PATTERN_DIR]);
const queries = patterns.map(lineQuery);

function logqlErrors(q: string): number {
  let errors = 0;
  logqlParser.parse(q).iterate({ enter: (n) => void (n.type.isError && errors++) });
  return errors;
}

/** The line filter as JavaScript: one literal on the line and the regex (\x{…} read back). */
function passes(q: LineQuery, line: string): boolean {
  if (q.literals && !q.literals.some((l) => line.includes(l))) return false;
  if (q.regex && !new RegExp(q.regex.replace(/\\x\{([0-9a-fA-F]{4})\}/g, '\\u$1')).test(line)) return false;
  return true;
}

function sampleFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((f) => sampleFiles(join(path, f)));
}

describe('patterns export', () => {
  it('writes a LogQL rule per pattern with a line filter, each expression parsing without an error node', () => {
    const withFilter = queries.filter((q) => q.literals || q.regex);
    expect(withFilter.length).toBeGreaterThan(25);
    for (const q of withFilter) {
      const expr = logqlRuleExpr(q, { selector: '{namespace="flink"}', window: '5m' })!;
      expect(logqlErrors(expr), expr).toBe(0);
      expect(logqlErrors(logqlFilter(q, '{namespace="flink"}')!), q.pattern.id).toBe(0);
    }
    // The parser does flag broken queries.
    expect(logqlErrors('sum(count_over_time({namespace="flink"} |= unquoted [5m])) > 0')).toBeGreaterThan(0);
    const file = logqlRules(queries, { selector: '{namespace="flink"}', window: '5m' });
    const doc = parseAllDocuments(file)[0]!.toJS() as { groups: { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] };
    const rules = doc.groups[0]!.rules;
    expect(rules.length).toBe(withFilter.length);
    for (const r of rules) expect(logqlErrors(r.expr)).toBe(0);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    // What cannot be expressed is said, pattern by pattern.
    expect(file).toMatch(/# rocksdb-hardlink-unsupported: not expressed in LogQL: correlation/);
    expect(file).toMatch(/# heap-oom: not expressed in LogQL: multi-line/);
    expect(file).toMatch(/# rocksdb-localdir-on-shared-fs: no rule/);
  });

  it('writes Elasticsearch bodies whose query strings parse as Lucene', () => {
    const searches = elasticsearchSearches(queries, { field: 'message' });
    expect(searches.length).toBe(patterns.length);
    for (const s of searches) {
      expect(s.not_expressed.join('\n')).toMatch(/correlation/);
      if (!s.body) continue;
      const qs = s.body.query.bool.filter[0]!.query_string;
      expect(qs.default_field).toBe('message');
      expect(() => lucene.parse(qs.query), qs.query).not.toThrow();
      // Parsed back, the phrases are the literals.
      const terms: string[] = [];
      const walk = (n: any): void => {
        if (!n) return;
        if (n.term !== undefined) terms.push(n.term);
        walk(n.left);
        walk(n.right);
      };
      walk(lucene.parse(qs.query));
      expect(terms.map((t) => t.replace(/\\(.)/g, '$1'))).toEqual(queries.find((q) => q.pattern.id === s.pattern)!.literals);
    }
    expect(luceneQuery({ pattern: patterns[0]!, literals: ['say "hi"\\now'], regex: null, notExpressed: [] })).toBe('"say \\"hi\\"\\\\now"');
    expect(() => lucene.parse('"say \\"hi\\"\\\\now"')).not.toThrow();
  });

  it('writes Sigma rules valid against the Sigma detection rule schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('test/fixtures/sigma/sigma-detection-rule-schema.json', 'utf8')));
    const text = sigmaRules(queries, { field: 'message', date: '2026-01-31' });
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs.length).toBe(queries.filter((q) => q.literals || q.regex).length);
    for (const d of docs) expect(validate(d), `${d.title}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(new Set(docs.map((d: any) => d.id)).size).toBe(docs.length);
    // A rule the schema rejects is caught (the schema is really applied).
    expect(validate({ ...docs[0], id: 'not-a-uuid' })).toBe(false);
    const hardlink = sigmaRule(queries.find((q) => q.pattern.id === 'rocksdb-hardlink-unsupported')!, { field: 'message', date: '2026-01-31' })!;
    expect(hardlink.detection).toMatchObject({ keywords: expect.arrayContaining(['while link file to ']), condition: 'keywords and selection_line' });
    expect(text).toMatch(/# rocksdb-hardlink-unsupported: not expressed in Sigma: correlation/);
    expect(text).toMatch(/^# Sigma rules[^]*# rocksdb-localdir-on-shared-fs: no rule[^]*\ntitle: /);
  });

  it('lets through a line of every positive sample of each pattern', () => {
    const { cases } = readSampleCases(join(BUILTIN_PATTERN_DIR, '..', 'samples'));
    let checked = 0;
    const missed: string[] = [];
    for (const c of cases) {
      if (c.kind !== 'positive' || !c.expected.includes(c.patternId)) continue;
      // Text re-wrapped or flattened by an issue tracker is not a live log line.
      if (/rewrap|wrapped|flattened|one-line|split-word/.test(c.name)) continue;
      const q = queries.find((x) => x.pattern.id === c.patternId)!;
      if (!q.literals && !q.regex) continue;
      const lines = sampleFiles(c.path).filter((f) => !f.endsWith('.gz') && !/flink-conf|config\.yaml/.test(f)).flatMap((f) => readFileSync(f, 'utf8').split('\n'));
      checked++;
      if (!lines.some((l) => passes(q, l))) missed.push(`${c.patternId}/${c.name}`);
    }
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('relaxes what line engines cannot hold and refuses what it cannot relax', () => {
    expect(lineRegex('^Checkpoint (?<id>\\d+) expired$').regex).toBe('Checkpoint (?:\\d+) expired');
    expect(lineRegex('a(?!b)c').regex).toBe('ac');
    expect(lineRegex('(a)\\1').regex).toBeNull();
    expect(lineRegex('x\\u00a0y').regex).toBe('x\\x{00a0}y');
    expect(lineRegex('[$^]+').regex).toBe('[$^]+');
    expect(lineRegex('^$').regex).toBeNull();
  });

  it('runs from the command line', async () => {
    const r = await cli(['patterns', 'export', '--to', 'logql', '--selector', '{app="flink"}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/expr: "sum\(count_over_time\(\{app=\\"flink\\"\}/);
    const es = await cli(['patterns', 'export', '--to', 'elasticsearch', '--field', 'log']);
    expect(JSON.parse(es.stdout)[0].body.query.bool.filter[0].query_string.default_field).toBe('log');
    expect((await cli(['patterns', 'export', '--to', 'splunk'])).code).toBe(2);
    const bad = await cli(['patterns', 'export', '--to', 'logql', '--selector', 'app=flink']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a LogQL stream selector/) });
  });
});

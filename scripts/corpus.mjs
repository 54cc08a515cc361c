#!/usr/bin/env node
// Measures the library on a corpus of real log excerpts: recall per pattern id, false alarms on
// healthy excerpts, near-miss traps and other failures, and the list of misses.
//
//   node scripts/corpus.mjs                     # corpus/real (one .json sidecar per .log)
//   node scripts/corpus.mjs --dir ../shared/corpus   # a directory with labels.json
//   node scripts/corpus.mjs --json              # the whole result as JSON
//   node scripts/corpus.mjs --check             # exit 1 on a false alarm or recall below corpus/thresholds.json
//
// The command line runs the built library (dist/); the test (test/corpus.test.ts) passes the
// sources' diagnosePaths to evaluate(). The rules are written down in corpus/README.md.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIR = join(ROOT, 'corpus', 'real');
export const THRESHOLDS_FILE = join(ROOT, 'corpus', 'thresholds.json');
export const PLANNED_FILE = join(ROOT, 'corpus', 'planned-ids.json');

export const PRODUCTS = ['flink', 'beam', 'flink-cdc', 'hudi', 'iceberg', 'paimon', 'kinesis-analytics', 'other'];
export const SIDES = ['jobmanager', 'taskmanager', 'client', 'unknown', 'mixed'];
/**
 * Labels of older corpora (labels.json) written before a pattern covered their kind, with the id
 * that covers it now (`other-<id>` of an existing id is mapped without being listed here).
 */
export const LABEL_ALIASES = {
  'other-kafka-transaction-timeout-config': 'kafka-transaction-timeout',
  'other-local-recovery-cross-device-link': 'local-recovery-cross-device',
};
const SEVERITY_RANK = { info: 0, warning: 1, error: 2, critical: 3 };
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The planned pattern ids (labels allowed before a pattern with that id exists). */
export function readPlannedIds(file = PLANNED_FILE) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).ids : [];
}

/** corpus/thresholds.json: { recall, allowedFalseAlarms }. */
export function readThresholds(file = THRESHOLDS_FILE) {
  const t = JSON.parse(readFileSync(file, 'utf8'));
  return { recall: Number(t.recall ?? 0), allowedFalseAlarms: t.allowedFalseAlarms ?? [] };
}

/**
 * Reads a corpus directory: either `labels.json` (an array of {file, diagnosis,
 * expected_key_evidence, …}) or one `<name>.json` sidecar per `<name>.log`. Returns the entries
 * and the problems found (missing files, bad fields, key evidence not in the log).
 */
export function readCorpus(dir) {
  const entries = [];
  const problems = [];
  const labelsFile = join(dir, 'labels.json');
  if (existsSync(labelsFile)) {
    let list;
    try {
      list = JSON.parse(readFileSync(labelsFile, 'utf8'));
    } catch (e) {
      return { format: 'labels.json', entries, problems: [`labels.json: ${e.message}`] };
    }
    for (const x of list) {
      entries.push(entryOf(dir, x.file, { ...x, label: x.diagnosis, key_evidence: x.expected_key_evidence }));
    }
    return { format: 'labels.json', entries, problems };
  }
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (name.endsWith('.json')) {
      const log = name.slice(0, -5) + '.log';
      if (!names.includes(log)) problems.push(`${name}: no ${log} beside it`);
      continue;
    }
    if (!name.endsWith('.log')) continue;
    const sidecar = name.slice(0, -4) + '.json';
    if (!names.includes(sidecar)) {
      problems.push(`${name}: no ${sidecar} beside it`);
      continue;
    }
    let meta;
    try {
      meta = JSON.parse(readFileSync(join(dir, sidecar), 'utf8'));
    } catch (e) {
      problems.push(`${sidecar}: ${e.message}`);
      continue;
    }
    entries.push(entryOf(dir, name, meta));
  }
  return { format: 'sidecars', entries, problems };
}

/**
 * What a label means, given the pattern ids that exist now and the planned ones:
 * healthy | trap (of `id`) | known (a pattern id) | planned (an id without a pattern yet) |
 * other (`other-<kind>`) | invalid. In a labels.json corpus, `other-<id>` of an id that has a
 * pattern now counts as that id (those labels were written before the pattern existed).
 */
export function classify(label, known, planned, format = 'sidecars') {
  if (typeof label !== 'string') return { kind: 'invalid', id: null };
  if (label === 'healthy') return { kind: 'healthy', id: null };
  if (label.startsWith('trap-')) {
    const id = label.slice(5);
    return known.has(id) || planned.has(id) ? { kind: 'trap', id } : { kind: 'invalid', id };
  }
  if (format === 'labels.json' && LABEL_ALIASES[label]) label = LABEL_ALIASES[label];
  if (label.startsWith('other-')) {
    const id = label.slice(6);
    if (format === 'labels.json' && known.has(id)) return { kind: 'known', id };
    return ID.test(id) ? { kind: 'other', id: label } : { kind: 'invalid', id: label };
  }
  if (known.has(label)) return { kind: 'known', id: label };
  if (format === 'labels.json' && !planned.has(label)) return { kind: 'other', id: `other-${label}` };
  if (planned.has(label)) return { kind: 'planned', id: label };
  return { kind: 'invalid', id: label };
}

/** Field checks of one entry (the log exists, enums, the key evidence is verbatim in the log). */
export function checkEntry(e, known, planned, format) {
  const out = [];
  if (!existsSync(e.path)) return [`${e.file}: the log file is missing`];
  const text = readFileSync(e.path, 'utf8');
  if (!/^https?:\/\//.test(e.source_url ?? '')) out.push(`${e.file}: source_url is not an http(s) address`);
  if (!PRODUCTS.includes(e.product)) out.push(`${e.file}: product ${JSON.stringify(e.product)} is not one of ${PRODUCTS.join('|')}`);
  if (!SIDES.includes(e.side)) out.push(`${e.file}: side ${JSON.stringify(e.side)} is not one of ${SIDES.join('|')}`);
  if (e.flink_version !== null && typeof e.flink_version !== 'string') out.push(`${e.file}: flink_version is neither a string nor null`);
  const c = classify(e.label, known, planned, format);
  if (c.kind === 'invalid') out.push(`${e.file}: label ${JSON.stringify(e.label)} is not healthy, trap-<id>, other-<kind>, a pattern id or a planned id`);
  if (!Array.isArray(e.also) || e.also.some((a) => typeof a !== 'string')) out.push(`${e.file}: also is not a list of ids`);
  if (typeof e.key_evidence !== 'string' || e.key_evidence.trim() === '') out.push(`${e.file}: key_evidence is empty`);
  else if (format === 'sidecars' && !text.includes(e.key_evidence)) out.push(`${e.file}: key_evidence is not verbatim in the log`);
  if (format === 'sidecars' && text.trim() === '') out.push(`${e.file}: the log is empty`);
  return out;
}

/** Finding ids with their severity, consequences included (at the severity of their finding). */
function foundIds(d) {
  const out = [];
  for (const f of d.findings) {
    out.push({ id: f.id, severity: f.severity, consequence: false });
    for (const c of f.consequences ?? []) out.push({ id: c.id, severity: f.severity, consequence: true });
  }
  return out;
}

/**
 * Runs `diagnose(path)` (a Diagnosis) on every entry and scores it.
 * - hit: an excerpt labelled with a pattern id that exists, whose findings hold that id.
 * - false alarm: on `healthy`, any finding above info; on `trap-<id>`, a finding or consequence
 *   <id> at any severity, or any other finding above info; on a failure (pattern id, planned id,
 *   other-<kind>), any finding above info whose id is neither the label nor listed in `also`.
 */
export async function evaluate(entries, diagnose, knownIds, plannedIds, format = 'sidecars') {
  const known = new Set(knownIds);
  const planned = new Set(plannedIds);
  const results = [];
  for (const e of entries) {
    const c = classify(e.label, known, planned, format);
    let found = [];
    let error = null;
    if (c.kind !== 'invalid' && existsSync(e.path)) {
      try {
        found = foundIds(await diagnose(e.path));
      } catch (err) {
        error = String(err?.message ?? err);
      }
    }
    const top = found.filter((f) => !f.consequence);
    const above = top.filter((f) => SEVERITY_RANK[f.severity] > 0);
    const also = new Set(e.also ?? []);
    const falseAlarms = [];
    if (c.kind === 'healthy') {
      for (const f of above) falseAlarms.push({ id: f.id, severity: f.severity, why: 'finding above info on a healthy excerpt' });
    } else if (c.kind === 'trap') {
      for (const f of found.filter((x) => x.id === c.id)) falseAlarms.push({ id: f.id, severity: f.severity, why: f.consequence ? 'the trap id as a consequence' : 'the trap id' });
      for (const f of above.filter((x) => x.id !== c.id)) falseAlarms.push({ id: f.id, severity: f.severity, why: 'finding above info on a trap' });
    } else if (c.kind === 'known' || c.kind === 'planned' || c.kind === 'other') {
      for (const f of above.filter((x) => x.id !== c.id && !also.has(x.id))) falseAlarms.push({ id: f.id, severity: f.severity, why: `wrong diagnosis on ${e.label}` });
    }
    const dedup = [...new Map(falseAlarms.map((f) => [f.id, f])).values()];
    results.push({
      file: e.file,
      label: e.label,
      kind: c.kind,
      id: c.id,
      found: [...new Set(top.map((f) => f.id))],
      hit: c.kind === 'known' ? top.some((f) => f.id === c.id) : c.kind === 'planned' ? top.some((f) => f.id === c.id) : null,
      falseAlarms: dedup,
      error,
    });
  }
  return summarize(results);
}

function summarize(results) {
  const byId = {};
  for (const r of results.filter((x) => x.kind === 'known')) {
    const s = (byId[r.id] ??= { excerpts: 0, hits: 0 });
    s.excerpts++;
    if (r.hit) s.hits++;
  }
  const planned = {};
  for (const r of results.filter((x) => x.kind === 'planned')) {
    const s = (planned[r.id] ??= { excerpts: 0, hits: 0 });
    s.excerpts++;
    if (r.hit) s.hits++;
  }
  const other = {};
  for (const r of results.filter((x) => x.kind === 'other')) other[r.id] = (other[r.id] ?? 0) + 1;
  const knownResults = results.filter((x) => x.kind === 'known');
  const hits = knownResults.filter((x) => x.hit).length;
  const count = (k) => results.filter((x) => x.kind === k).length;
  return {
    excerpts: results.length,
    counts: { known: count('known'), planned: count('planned'), other: count('other'), healthy: count('healthy'), trap: count('trap'), invalid: count('invalid') },
    recall: { hits, excerpts: knownResults.length, ratio: knownResults.length ? hits / knownResults.length : 1, byId: sortObj(byId) },
    notYetKnown: sortObj(planned),
    other: Object.fromEntries(Object.entries(other).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    falseAlarms: results.flatMap((r) => r.falseAlarms.map((f) => ({ file: r.file, label: r.label, ...f }))),
    misses: knownResults.filter((x) => !x.hit).map((r) => ({ file: r.file, label: r.label, found: r.found })),
    errors: results.filter((r) => r.error).map((r) => ({ file: r.file, error: r.error })),
    results,
  };
}

function sortObj(o) {
  return Object.fromEntries(Object.entries(o).sort((a, b) => a[0].localeCompare(b[0])));
}

/** A false alarm as written in thresholds.json's allowedFalseAlarms: "<file>: <id>". */
export function falseAlarmKey(f) {
  return `${f.file}: ${f.id}`;
}

/** Problems against the thresholds: recall below the floor, false alarms not allowed by name. */
export function thresholdProblems(summary, thresholds) {
  const out = [];
  const allowed = new Set(thresholds.allowedFalseAlarms);
  if (summary.recall.ratio + 1e-9 < thresholds.recall) out.push(`recall ${pct(summary.recall.ratio)} is below the threshold ${pct(thresholds.recall)}`);
  for (const f of summary.falseAlarms) if (!allowed.has(falseAlarmKey(f))) out.push(`false alarm ${falseAlarmKey(f)} (${f.severity}; ${f.why})`);
  for (const e of summary.errors) out.push(`${e.file}: the diagnosis threw: ${e.error}`);
  return out;
}

function pct(x) {
  return `${(x * 100).toFixed(1)}%`;
}

/** The text report. */
export function formatText(dir, summary, problems) {
  const L = [];
  const c = summary.counts;
  L.push(`${dir}: ${summary.excerpts} excerpts — ${c.known} of pattern ids, ${c.planned} of planned ids, ${c.other} other-<kind>, ${c.healthy} healthy, ${c.trap} traps${c.invalid ? `, ${c.invalid} invalid` : ''}`);
  L.push('');
  L.push('Recall by pattern id:');
  const w = Math.max(10, ...Object.keys(summary.recall.byId).map((k) => k.length), ...Object.keys(summary.notYetKnown).map((k) => k.length), ...Object.keys(summary.other).map((k) => k.length));
  for (const [id, s] of Object.entries(summary.recall.byId)) L.push(`  ${id.padEnd(w)}  ${String(s.hits).padStart(3)}/${String(s.excerpts).padEnd(3)} ${pct(s.hits / s.excerpts).padStart(6)}`);
  L.push(`  ${'total'.padEnd(w)}  ${String(summary.recall.hits).padStart(3)}/${String(summary.recall.excerpts).padEnd(3)} ${pct(summary.recall.ratio).padStart(6)}`);
  if (Object.keys(summary.notYetKnown).length) {
    L.push('');
    L.push('Not yet known (planned ids without a pattern; not in recall):');
    for (const [id, s] of Object.entries(summary.notYetKnown)) L.push(`  ${id.padEnd(w)}  ${String(s.excerpts).padStart(3)}`);
  }
  if (Object.keys(summary.other).length) {
    L.push('');
    L.push('Other failures (other-<kind>, by frequency):');
    for (const [id, n] of Object.entries(summary.other)) L.push(`  ${id.padEnd(w)}  ${String(n).padStart(3)}`);
  }
  L.push('');
  L.push(`False alarms: ${summary.falseAlarms.length}`);
  for (const f of summary.falseAlarms) L.push(`  ${f.file} [${f.label}]: ${f.id} (${f.severity}) — ${f.why}`);
  L.push('');
  L.push(`Misses: ${summary.misses.length}`);
  for (const m of summary.misses) L.push(`  ${m.file} [${m.label}]: found ${m.found.length ? m.found.join(', ') : 'nothing'}`);
  if (summary.errors.length) {
    L.push('');
    L.push(`Errors: ${summary.errors.length}`);
    for (const e of summary.errors) L.push(`  ${e.file}: ${e.error}`);
  }
  if (problems.length) {
    L.push('');
    L.push(`Corpus problems: ${problems.length}`);
    for (const p of problems) L.push(`  ${p}`);
  }
  return L.join('\n');
}

async function main(argv) {
  const args = { dir: DEFAULT_DIR, json: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') args.dir = resolve(argv[++i] ?? '');
    else if (a.startsWith('--dir=')) args.dir = resolve(a.slice(6));
    else if (a === '--json') args.json = true;
    else if (a === '--check') args.check = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/corpus.mjs [--dir DIR] [--json] [--check]\n');
      return 0;
    } else {
      process.stderr.write(`corpus: unknown argument ${a}\n`);
      return 2;
    }
  }
  if (!existsSync(args.dir)) {
    process.stderr.write(`corpus: no such directory: ${args.dir}\n`);
    return 2;
  }
  const dist = join(ROOT, 'dist', 'index.js');
  if (!existsSync(dist)) {
    process.stderr.write('corpus: dist/ is not built; run npm run build first\n');
    return 2;
  }
  const lib = await import(dist);
  const patterns = lib.loadPatterns();
  const known = patterns.map((p) => p.id);
  const planned = readPlannedIds();
  const { format, entries, problems } = readCorpus(args.dir);
  const knownSet = new Set(known);
  const plannedSet = new Set(planned);
  for (const e of entries) problems.push(...checkEntry(e, knownSet, plannedSet, format));
  const summary = await evaluate(entries, (p) => lib.diagnosePaths([p], { patterns, ignore: [] }), known, planned, format);
  const label = basename(args.dir) === 'real' ? 'corpus/real' : args.dir;
  const thresholdIssues = args.check ? thresholdProblems(summary, readThresholds()) : [];
  if (args.json) process.stdout.write(JSON.stringify({ dir: args.dir, format, problems, thresholdProblems: thresholdIssues, ...summary }, null, 2) + '\n');
  else {
    process.stdout.write(formatText(label, summary, problems) + '\n');
    if (args.check) process.stdout.write(thresholdIssues.length ? `\nThreshold check failed:\n${thresholdIssues.map((x) => `  ${x}`).join('\n')}\n` : '\nThreshold check passed.\n');
  }
  return args.check && (thresholdIssues.length || problems.length) ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`corpus: ${e?.message ?? e}\n`);
      process.exit(2);
    },
  );
}

/** One excerpt: its file, and the metadata of its sidecar (or labels.json entry, fields renamed). */
function entryOf(dir, file, meta) {
  return {
    file,
    path: join(dir, file),
    source_url: meta.source_url,
    product: meta.product,
    flink_version: meta.flink_version ?? null,
    side: meta.side,
    label: meta.label,
    key_evidence: meta.key_evidence,
    also: meta.also ?? [],
    notes: meta.notes ?? '',
  };
}

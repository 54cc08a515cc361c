// JSON reporter: the documented contract (schema/report.schema.json, schemaVersion 1).
// Fields are only ever added within a schema version.

import type { Diagnosis, Finding, UnknownGroup } from '../model.js';
import { VERSION } from '../version.js';
import { DEFAULT_UNKNOWN } from './unknown-section.js';

/** Occurrences of an unknown group listed in JSON; `flink-doctor explain` lists them all. */
const JSON_OCCURRENCES = 20;

/** The JSON document for a diagnosis; `unknown` caps the unknown groups listed (default 5). */
export function toJson(d: Diagnosis, opts: { unknown?: number } = {}): object {
  const n = Math.max(0, opts.unknown ?? DEFAULT_UNKNOWN);
  return {
    schemaVersion: 1,
    tool: { name: 'flink-doctor', version: VERSION },
    interrupted: d.interrupted,
    findings: d.findings.map(findingJson),
    muted: d.muted.map(findingJson),
    inputs: d.inputs.map((s) => ({
      source: s.name,
      kind: s.kind,
      role: s.role,
      roleReason: s.roleReason,
      flinkVersion: s.flinkVersion,
      entrypoint: s.entrypoint,
      hosts: s.hosts,
      bytes: s.bytes,
      lines: s.lines,
      gzip: s.gzip,
    })),
    warnings: d.warnings,
    checkpoints: d.checkpoints,
    checkpointRuns: d.checkpointRuns,
    jobTransitions: d.jobTransitions,
    jobs: d.jobs ?? [],
    stats: d.stats,
    coverage: d.coverage ?? null,
    unknown: d.unknown.slice(0, n).map(unknownJson),
    unknownTotal: d.unknown.length,
    unknownBenign: d.unknown.filter((g) => g.benign).length,
  };
}

function unknownJson(g: UnknownGroup): object {
  return {
    fingerprint: g.fingerprint,
    rank: g.rank,
    exception: g.exception || null,
    message: g.message,
    frames: g.frames,
    level: g.level,
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    sources: g.sources,
    roles: g.roles,
    benign: g.benign,
    wrapper: g.wrapper,
    nearFailures: g.nearFailures,
    score: g.score,
    reasons: g.reasons,
    sample: g.sample,
    occurrences: g.occurrences.slice(0, JSON_OCCURRENCES),
  };
}

/** One finding as it appears in the JSON report. */
export function findingJson(f: Finding): object {
  return {
    id: f.id,
    title: f.title,
    severity: f.severity,
    summary: f.summary,
    occurrences: f.occurrences,
    events: f.events,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    checkpoints: f.checkpoints,
    jobs: f.jobs,
    tasks: f.tasks,
    hosts: f.hosts,
    impact: f.impact,
    evidence: f.evidence.map((e) => ({ source: e.source, line: e.line, role: e.role, text: e.text, time: e.time ?? null })),
    config: f.config,
    cause: f.cause,
    remediation: f.remediation,
    verify: f.verify,
    references: f.references,
    consequences: f.consequences,
    unchecked: f.unchecked,
    configChange: f.configChange ?? null,
    ...(f.chain ? { chain: f.chain } : {}),
    ...(f.byJob ? { byJob: f.byJob } : {}),
    ...(f.facts ? { facts: f.facts } : {}),
    ...(f.causeNotFound ? { causeNotFound: f.causeNotFound } : {}),
  };
}

/**
 * Renders the JSON report as text: indented, except that each row of the long lists (the
 * checkpoint timeline, the runs of completed checkpoints, the job state changes) takes one line
 * (a long log has tens of thousands of them; one per line keeps the document small and easy to grep).
 */
export function renderJson(d: Diagnosis, opts: { unknown?: number } = {}): string {
  return [...jsonParts(d, opts)].join('');
}

/** Rows of a long list per part of the JSON text. */
const ROWS_PER_PART = 2000;

/** The lists written one row per line, in parts. */
const ROW_LISTS = ['checkpoints', 'checkpointRuns', 'jobTransitions'] as const;

/**
 * The JSON report's text in consecutive parts (their concatenation is renderJson's text), so that
 * the long lists are written out without first building the whole document in memory: the
 * document is written with a marker in place of each non-empty list, and each list's rows follow
 * in parts where its marker was.
 */
export function* jsonParts(d: Diagnosis, opts: { unknown?: number } = {}): Generator<string> {
  const doc = toJson(d, opts) as Record<string, unknown>;
  const lists = new Map<string, unknown[]>();
  const marked: Record<string, unknown> = { ...doc };
  for (const name of ROW_LISTS) {
    const rows = doc[name];
    if (!Array.isArray(rows) || rows.length === 0) continue;
    lists.set(JSON.stringify(`\u0000${name}\u0000`), rows);
    marked[name] = `\u0000${name}\u0000`;
  }
  const text = JSON.stringify(marked, null, 2);
  // The markers in the order the document holds them.
  const found = [...lists.keys()].map((q) => ({ q, at: text.indexOf(q) })).sort((a, b) => a.at - b.at);
  let from = 0;
  for (const { q, at } of found) {
    yield text.slice(from, at) + '[\n';
    const rows = lists.get(q)!;
    for (let i = 0; i < rows.length; i += ROWS_PER_PART) {
      const end = Math.min(rows.length, i + ROWS_PER_PART);
      const lines: string[] = [];
      for (let r = i; r < end; r++) lines.push(`    ${JSON.stringify(rows[r])}`);
      yield lines.join(',\n') + (end < rows.length ? ',\n' : '\n');
    }
    yield '  ]';
    from = at + q.length;
  }
  yield text.slice(from) + '\n';
}

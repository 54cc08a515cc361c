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
 * Renders the JSON report as text: indented, except that each checkpoint of the timeline takes
 * one line (a long log has tens of thousands of them; one per line keeps the document small
 * and easy to grep).
 */
export function renderJson(d: Diagnosis, opts: { unknown?: number } = {}): string {
  return [...jsonParts(d, opts)].join('');
}

/** Timeline rows per part of the JSON text. */
const ROWS_PER_PART = 2000;

/**
 * The JSON report's text in consecutive parts (their concatenation is renderJson's text), so that
 * a long timeline can be written out without first building the whole document in memory.
 */
export function* jsonParts(d: Diagnosis, opts: { unknown?: number } = {}): Generator<string> {
  const doc = toJson(d, opts) as { checkpoints: unknown[] };
  const rows = doc.checkpoints;
  if (rows.length === 0) {
    yield JSON.stringify(doc, null, 2) + '\n';
    return;
  }
  const marker = '\u0000checkpoints\u0000';
  const quoted = JSON.stringify(marker);
  const text = JSON.stringify({ ...doc, checkpoints: marker }, null, 2);
  const at = text.indexOf(quoted);
  yield text.slice(0, at) + '[\n';
  for (let i = 0; i < rows.length; i += ROWS_PER_PART) {
    const end = Math.min(rows.length, i + ROWS_PER_PART);
    const lines: string[] = [];
    for (let r = i; r < end; r++) lines.push(`    ${JSON.stringify(rows[r])}`);
    yield lines.join(',\n') + (end < rows.length ? ',\n' : '\n');
  }
  yield '  ]' + text.slice(at + quoted.length) + '\n';
}

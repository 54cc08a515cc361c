// JSON reporter: the documented contract (schema/report.schema.json, schemaVersion 1).
// Fields are only ever added within a schema version.

import type { Diagnosis, Finding } from '../model.js';
import { VERSION } from '../version.js';

/** The JSON document for a diagnosis. */
export function toJson(d: Diagnosis): object {
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
    jobTransitions: d.jobTransitions,
    stats: d.stats,
  };
}

function findingJson(f: Finding): object {
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
  };
}

/** Renders the JSON report as text. */
export function renderJson(d: Diagnosis): string {
  return JSON.stringify(toJson(d), null, 2) + '\n';
}

// Resources of the Flink Kubernetes operator found in a support bundle: `kubectl get
// flinkdeployment|flinksessionjob -o yaml` (one resource or a List) and `kubectl get events`
// (the table). A resource's spec.flinkConfiguration is configuration with the line each value
// stands on in the file (config-file.ts reads it through `operatorConfigEntries`); its status
// (job state, JobManager deployment, lifecycle, reconciliation, the last error) becomes records of
// the tool's logger `flink-doctor.k8s`, and events records of their own, so patterns match the
// errors in them.

import type { Document, Node } from 'yaml';
import { yamlLib } from '../lazy.js';
import type { ConfigEntry } from '../model.js';
import { mapEntries } from '../yaml-map.js';

const OPERATOR_KIND = /^kind:\s*(?:FlinkDeployment|FlinkSessionJob|List)\s*$/m;
const OPERATOR_API = /^\s*apiVersion:\s*flink\.apache\.org\//m;
const EVENTS_HEADER = /^(?:NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\s*$/m;

/** True when a text holds Flink operator resources (a FlinkDeployment / FlinkSessionJob YAML). */
export function looksLikeOperatorResource(head: string): boolean {
  return OPERATOR_API.test(head) && OPERATOR_KIND.test(head) && /\bkind:\s*Flink(?:Deployment|SessionJob)\b/.test(head);
}

/** True when a text is `kubectl get events` output. */
export function looksLikeEventsTable(head: string): boolean {
  return EVENTS_HEADER.test(head.slice(0, 4096));
}

interface Resource {
  kind: string;
  name: string;
  node: Node;
  json: Record<string, unknown>;
}

function resources(doc: Document): Resource[] {
  const { isMap, isSeq } = yamlLib();
  const root = doc.contents;
  const out: Resource[] = [];
  const visit = (node: unknown): void => {
    if (!isMap(node)) return;
    const json = (node as { toJSON(): unknown }).toJSON() as Record<string, unknown>;
    if (json.kind === 'List') {
      const items = (node as { get(k: string, keep: boolean): unknown }).get('items', true);
      if (isSeq(items)) for (const i of items.items) visit(i);
      return;
    }
    if (json.kind === 'FlinkDeployment' || json.kind === 'FlinkSessionJob') {
      const meta = (json.metadata ?? {}) as Record<string, unknown>;
      const name = `${meta.namespace ? `${String(meta.namespace)}/` : ''}${String(meta.name ?? '?')}`;
      out.push({ kind: json.kind, name, node: node as Node, json });
    }
  };
  visit(root);
  return out;
}

/** spec.flinkConfiguration of every operator resource in the text, with the line of each value. */
export function operatorConfigEntries(text: string, source: string): ConfigEntry[] | null {
  if (!looksLikeOperatorResource(text.slice(0, 65536))) return null;
  const { LineCounter, isMap, parseAllDocuments } = yamlLib();
  const lineCounter = new LineCounter();
  const entries: ConfigEntry[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document[]) {
    for (const r of resources(doc)) {
      const spec = (r.node as unknown as { get(k: string, keep: boolean): unknown }).get('spec', true);
      const conf = isMap(spec) ? (spec as unknown as { get(k: string, keep: boolean): unknown }).get('flinkConfiguration', true) : null;
      entries.push(...mapEntries(conf, source, lineCounter));
    }
  }
  return entries;
}

/** The status of every operator resource as log records (`flink-doctor.k8s`). */
export function operatorStatusLog(text: string): string {
  const { parseAllDocuments } = yamlLib();
  let out = '';
  for (const doc of parseAllDocuments(text, { uniqueKeys: false }) as Document[]) {
    for (const r of resources(doc)) out += statusRecords(r);
  }
  return out;
}

function statusRecords(r: Resource): string {
  const status = (r.json.status ?? {}) as Record<string, unknown>;
  const job = (status.jobStatus ?? {}) as Record<string, unknown>;
  const reconciliation = (status.reconciliationStatus ?? {}) as Record<string, unknown>;
  const at = msOf(job.updateTime) ?? msOf(reconciliation.reconciliationTimestamp) ?? msOf(job.startTime);
  // Without a time in the status, the record has its level first and no timestamp.
  const head = (level: string, message: string): string => (at !== null ? `${formatUtc(at)} ${level.padEnd(5)} ${'flink-doctor.k8s'.padEnd(60)} [] - ${message}\n` : `${level.padEnd(5)} ${message}\n`);
  const parts = [
    job.state ? `job ${job.jobId ?? '?'}${job.jobName ? ` (${String(job.jobName)})` : ''} ${String(job.state)}` : null,
    status.jobManagerDeploymentStatus ? `JobManager deployment ${String(status.jobManagerDeploymentStatus)}` : null,
    status.lifecycleState ? `lifecycle ${String(status.lifecycleState)}` : null,
    reconciliation.state ? `reconciliation ${String(reconciliation.state)}` : null,
  ].filter(Boolean);
  let text = head(/FAILED|ERROR|MISSING/.test(parts.join(' ')) ? 'WARN' : 'INFO', `${r.kind} ${r.name}: ${parts.length ? parts.join(', ') : 'no status'}.`);
  const error = errorTrace(status.error);
  if (error.length > 0) text += head('ERROR', `${r.kind} ${r.name} reports an error:`) + error.map((l) => l + '\n').join('');
  return text;
}

/** The operator's `status.error` (a JSON string: type, message, throwableList) as trace lines. */
function errorTrace(error: unknown): string[] {
  if (typeof error !== 'string' || error.length === 0) return [];
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(error) as Record<string, unknown>;
  } catch {
    return [error];
  }
  const lines = [`${String(e.type ?? 'Error')}: ${String(e.message ?? '')}`];
  const list = Array.isArray(e.throwableList) ? e.throwableList : [];
  for (const t of list) {
    if (t && typeof t === 'object') lines.push(`Caused by: ${String((t as Record<string, unknown>).type ?? 'Error')}: ${String((t as Record<string, unknown>).message ?? '')}`);
  }
  return lines.flatMap((l) => l.split('\n'));
}

/**
 * `kubectl get events` rows as records, `WARN  Event <reason> on <object>: <message>` (events carry
 * no absolute time there), each on the line it stands on in the file (the header and anything
 * before it blank).
 */
export function eventsLog(text: string): string {
  const lines = text.split(/\r?\n/);
  const h = lines.findIndex((l) => EVENTS_HEADER.test(l));
  if (h < 0) return '';
  const header = lines[h]!;
  const col = (name: string): number => header.indexOf(name);
  const [cType, cReason, cObject, cMessage] = [col('TYPE'), col('REASON'), col('OBJECT'), col('MESSAGE')];
  let out = '\n'.repeat(h + 1);
  for (const l of lines.slice(h + 1)) {
    if (l.trim().length === 0) {
      out += '\n';
      continue;
    }
    // Columns are aligned to the header; a long value pushes the rest right, so split on runs of spaces too.
    const type = l.slice(cType, cReason).trim().split(/\s+/)[0] ?? '';
    const rest = l.slice(cReason).trim().split(/\s{2,}|\s+(?=\S+\/\S+\s)/);
    const reason = rest[0] ?? '';
    const object = rest[1] ?? l.slice(cObject, cMessage).trim();
    // The message as written after the object (the split above would change its spacing).
    const message = (object ? l.slice(l.indexOf(object, cReason) + object.length) : l.slice(cMessage)).trim();
    out += `${type === 'Warning' ? 'WARN ' : 'INFO '} Event ${reason} on ${object}: ${message}\n`;
  }
  return out;
}

function msOf(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d{10,}$/.test(v)) return Number(v);
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

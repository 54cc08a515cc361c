// Documents read whole and rendered as the records and configuration they stand for: Flink REST
// documents (HistoryServer archives, live captures, saved responses), Flink operator resources
// and Kubernetes events tables (live/).

import { looksLikeRestDocument, parseRestDocument } from '../../live/archive.js';
import { eventsLog, looksLikeEventsTable, looksLikeOperatorResource, operatorStatusLog } from '../../live/operator.js';
import { renderArchive } from '../../live/render.js';
import type { ExpandOptions, Member } from '../expand.js';
import { once, readText } from '../streams.js';

/** Largest REST document (HistoryServer archive, saved response) read: it is parsed as a whole. */
const MAX_REST_DOCUMENT = 256 << 20;

/**
 * A Flink REST document (a HistoryServer archive, a live capture, a saved response) rendered as
 * the JobManager records and configuration it stands for (live/render.ts), one member per REST
 * path: `file!/jobs/<id>/exceptions`, or `http://jm:8081/jobs/<id>/exceptions` for a live read.
 * A document that does not parse is scanned as plain text, with a warning.
 */
export async function* restMembers(name: string, stream: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const text = await readText(stream, MAX_REST_DOCUMENT);
  if (text === null) {
    opts.warn(name, `REST document larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
    return;
  }
  const doc = parseRestDocument(text);
  if (!doc) {
    opts.warn(name, 'looks like a Flink REST document but does not parse as one; read as plain text');
    yield { name, kind: 'log', chunks: once(Buffer.from(text)), gzip: false };
    return;
  }
  const base = doc.capture && doc.capture.source === name ? name : `${name}!`;
  const rendered = renderArchive(doc.archive, base, doc.capture?.observedAt ?? null, doc.capture?.timezoneOffset ?? 0);
  if (rendered.length === 0) {
    opts.warn(name, doc.kind === 'live-capture' ? 'the cluster answered, but with no job and no configuration to read' : `${doc.kind === 'rest-response' ? 'REST response' : 'REST archive'} holds nothing flink-doctor reads (exceptions, checkpoints, configuration, job details)`);
  }
  for (const m of rendered) yield { name: m.name, kind: m.kind, chunks: once(Buffer.from(m.text)), gzip: false, format: doc.kind, ...(m.kind === 'log' ? { roleHint: 'jobmanager' as const } : {}) };
}

/** A Flink operator resource: its flinkConfiguration as configuration (with its lines in the file), its status as records. */
export async function* operatorMembers(name: string, stream: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const text = await readText(stream, MAX_REST_DOCUMENT);
  if (text === null) {
    opts.warn(name, `operator resource larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
    return;
  }
  yield { name, kind: 'config', chunks: once(Buffer.from(text)), gzip: false, format: 'flink-operator' };
  const status = operatorStatusLog(text);
  if (status) yield { name: `${name}!status`, kind: 'log', chunks: once(Buffer.from(status)), gzip: false, format: 'flink-operator', roleHint: 'jobmanager' };
}

/** A Kubernetes events table, as records. */
export async function* eventsMembers(name: string, stream: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const text = await readText(stream, MAX_REST_DOCUMENT);
  if (text === null) opts.warn(name, `events table larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
  else yield { name, kind: 'log', chunks: once(Buffer.from(eventsLog(text))), gzip: false, format: 'k8s-events' };
}

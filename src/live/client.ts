// The live client: reads a running JobManager's REST API (or a HistoryServer's) into a
// RestArchive plus the JobManager's and TaskManagers' log files, with Node's own fetch. Every
// request has a time limit; a failed request (timeout, HTTP error, an endpoint this Flink
// version lacks, authentication, TLS) becomes a warning naming the URL, and what was read is
// still diagnosed. Header values given by the user are sent and never printed.

import type { InputWarning } from '../model.js';
import { isObject, serialiseArchive, type RestArchive } from './archive.js';

export interface LiveOptions {
  /** Only this job (default: every job the cluster knows). */
  job?: string;
  /** Request headers (`Name: value`), e.g. an Authorization header for a gateway. */
  headers?: string[];
  /** Most bytes kept of each log file: its latest part (default 16 MiB). */
  maxLogBytes?: number;
  /** Time limit of each request in ms (default 15 s). */
  timeoutMs?: number;
  /** Skip the log files. */
  noLogs?: boolean;
  /** Injected for tests. */
  fetch?: typeof fetch;
}

/** What a live read gives: the REST responses, the log files, and what went wrong. */
export interface LiveCapture {
  base: string;
  archive: RestArchive;
  logs: { name: string; text: string; truncatedBytes: number; role: 'jobmanager' | 'taskmanager'; host?: string }[];
  warnings: InputWarning[];
  observedAt: number;
  /** The JobManager's time zone offset in ms (`/config`), to render times as its logs do. */
  timezoneOffset: number;
}

export const DEFAULT_MAX_LOG_BYTES = 16 << 20;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Requests in flight at once. */
const PARALLEL = 4;
/** Most checkpoints whose per-subtask statistics are read (the latest completed and failed). */
const DETAILED_CHECKPOINTS = 2;

/** True when a command-line argument is a cluster's address. */
export function isLiveUrl(arg: string): boolean {
  return /^https?:\/\//i.test(arg);
}

/** Reads everything the diagnosis uses from a cluster's REST API. */
export async function captureLive(url: string, options: LiveOptions = {}): Promise<LiveCapture> {
  const base = url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const headers = parseHeaders(options.headers ?? []);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const archive: RestArchive = new Map();
  const warnings: InputWarning[] = [];
  const warned = new Set<string>();
  const warn = (path: string, message: string): void => {
    // One warning per kind of failure and endpoint pattern (a missing endpoint on every job once).
    const key = `${path.replace(/[0-9a-f]{32}/g, '<job>').replace(/\/\d+(?=\/|$)/g, '/<n>')} ${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    warnings.push({ source: base + path, message });
  };

  const request = async (path: string, as: 'json' | 'text', maxBytes = 0, optional = false): Promise<{ body: unknown; truncated: number } | null> => {
    let res: Response;
    try {
      res = await doFetch(base + path, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (e) {
      warn(path, describeFetchError(e, timeoutMs));
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      if (optional && res.status === 404) return null;
      warn(path, describeStatus(res.status, path));
      return null;
    }
    try {
      if (as === 'json') return { body: await res.json(), truncated: 0 };
      return await readTail(res, maxBytes);
    } catch (e) {
      warn(path, as === 'json' ? 'the response is not JSON (is this a Flink REST endpoint?)' : describeFetchError(e, timeoutMs));
      return null;
    }
  };
  const getJson = async (path: string): Promise<unknown> => {
    const r = await request(path, 'json');
    if (r) archive.set(path, r.body);
    return r?.body ?? null;
  };

  const observedAt = Date.now();
  const dashboard = await getJson('/config');
  if (dashboard === null && warnings.length > 0 && !archive.size) {
    // Nothing answers at that address: no point in asking for more.
    return { base, archive, logs: [], warnings, observedAt, timezoneOffset: 0 };
  }
  const timezoneOffset = isObject(dashboard) && typeof dashboard['timezone-offset'] === 'number' ? dashboard['timezone-offset'] : 0;
  await all([() => getJson('/overview'), () => getJson('/jobmanager/config'), () => getJson('/taskmanagers')]);
  const overview = await getJson('/jobs/overview');
  let jobs = isObject(overview) && Array.isArray(overview.jobs) ? overview.jobs.filter(isObject).map((j) => ({ jid: String(j.jid), state: String(j.state ?? '') })) : [];
  if (options.job) {
    const wanted = options.job;
    jobs = jobs.filter((j) => j.jid === wanted || j.jid.startsWith(wanted));
    if (jobs.length === 0) jobs = [{ jid: wanted, state: '' }];
  }

  for (const { jid, state } of jobs) {
    const job = await getJson(`/jobs/${jid}`);
    await all([
      () => getJson(`/jobs/${jid}/exceptions?maxExceptions=20`).then((b) => b !== null && moveKey(archive, `/jobs/${jid}/exceptions?maxExceptions=20`, `/jobs/${jid}/exceptions`)),
      () => getJson(`/jobs/${jid}/checkpoints/config`),
      () => getJson(`/jobs/${jid}/config`),
      () => getJson(`/jobs/${jid}/jobmanager/config`),
      () => getJson(`/jobs/${jid}/metrics?get=numRestarts`),
    ]);
    const stats = await getJson(`/jobs/${jid}/checkpoints`);
    // Per-subtask statistics of the latest completed and failed checkpoints: which phase is slow.
    const latest = isObject(stats) && isObject(stats.latest) ? stats.latest : {};
    const ids = [latest.completed, latest.failed]
      .filter(isObject)
      .map((c) => c.id)
      .filter((id): id is number => typeof id === 'number')
      .slice(0, DETAILED_CHECKPOINTS);
    for (const cid of ids) {
      const detail = await getJson(`/jobs/${jid}/checkpoints/details/${cid}`);
      const tasks = isObject(detail) && isObject(detail.tasks) ? Object.keys(detail.tasks) : [];
      await all(tasks.map((vid) => () => getJson(`/jobs/${jid}/checkpoints/details/${cid}/subtasks/${vid}`)));
    }
    const vertices = isObject(job) && Array.isArray(job.vertices) ? job.vertices.filter(isObject).map((v) => String(v.id)) : [];
    if ((state || (isObject(job) ? String(job.state) : '')) === 'RUNNING') {
      await all(vertices.map((vid) => () => getJson(`/jobs/${jid}/vertices/${vid}/backpressure`)));
    }
  }

  const logs: LiveCapture['logs'] = [];
  if (!options.noLogs) {
    const maxBytes = options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
    // Each process's own log and stdout (`/log`, `/stdout`): a log directory shared by several
    // processes lists every file under every process, so the listings are not used. An empty
    // stdout (the usual case) is left out.
    const fetchLog = async (prefix: string, file: 'log' | 'stdout', role: 'jobmanager' | 'taskmanager', host?: string): Promise<void> => {
      // A process without a stdout file answers 404 there: nothing to read.
      const r = await request(`${prefix}/${file}`, 'text', maxBytes, file === 'stdout');
      if (!r || (file === 'stdout' && (r.body as string).length === 0)) return;
      logs.push({ name: `${base}${prefix}/${file}`, text: r.body as string, truncatedBytes: r.truncated, role, ...(host ? { host } : {}) });
    };
    await all([() => fetchLog('/jobmanager', 'log', 'jobmanager'), () => fetchLog('/jobmanager', 'stdout', 'jobmanager')]);
    const tms = archive.get('/taskmanagers');
    const list = isObject(tms) && Array.isArray(tms.taskmanagers) ? tms.taskmanagers.filter(isObject) : [];
    for (const tm of list) {
      const prefix = `/taskmanagers/${encodeURIComponent(String(tm.id))}`;
      const host = hostOfPath(tm.path);
      await all([() => fetchLog(prefix, 'log', 'taskmanager', host), () => fetchLog(prefix, 'stdout', 'taskmanager', host)]);
    }
    for (const l of logs) {
      if (l.truncatedBytes > 0) warnings.push({ source: l.name, message: `only the latest ${formatMiB(maxBytes)} of this log were read (--max-log-bytes); ${formatMiB(l.truncatedBytes)} before them were skipped` });
    }
  }
  return { base, archive, logs, warnings, observedAt, timezoneOffset };
}

/** The capture as one document in the HistoryServer's archive format, with when and where it was read. */
export function captureDocument(c: LiveCapture): string {
  const doc = JSON.parse(serialiseArchive(c.archive)) as Record<string, unknown>;
  doc.flinkDoctor = { source: c.base, observedAt: c.observedAt, timezoneOffset: c.timezoneOffset };
  return JSON.stringify(doc, null, 1) + '\n';
}

/** The host of a TaskManager's RPC address (`pekko.tcp://flink@10.0.0.5:6122/user/rpc/taskmanager_0`). */
function hostOfPath(path: unknown): string | undefined {
  const m = typeof path === 'string' ? /@([^:/]+):\d+/.exec(path) : null;
  return m ? m[1] : undefined;
}

function moveKey(archive: RestArchive, from: string, to: string): void {
  const v = archive.get(from);
  archive.delete(from);
  archive.set(to, v);
}

/** Runs the calls PARALLEL at a time. */
async function all(calls: (() => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls.length) await calls[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, calls.length) }, worker));
}

/** Reads a text body, keeping only its last `maxBytes` (the most recent part of a log). */
async function readTail(res: Response, maxBytes: number): Promise<{ body: string; truncated: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  if (res.body) {
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      const b = Buffer.from(c);
      chunks.push(b);
      kept += b.length;
      while (maxBytes > 0 && kept - chunks[0]!.length >= maxBytes) {
        const d = chunks.shift()!;
        kept -= d.length;
        dropped += d.length;
      }
    }
  }
  let buf = Buffer.concat(chunks);
  if (maxBytes > 0 && buf.length > maxBytes) {
    dropped += buf.length - maxBytes;
    buf = buf.subarray(buf.length - maxBytes);
  }
  if (dropped > 0) {
    // Start at a line: the first one was cut.
    const nl = buf.indexOf(10);
    if (nl >= 0) {
      dropped += nl + 1;
      buf = buf.subarray(nl + 1);
    }
  }
  return { body: buf.toString('utf8'), truncated: dropped };
}

/** `Name: value` strings → a header object; a malformed one is a usage error. */
export function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new Error(`--header must look like 'Name: value' (got a header without a colon)`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

function describeStatus(status: number, path: string): string {
  if (status === 401 || status === 403) return `HTTP ${status}: not authorised (pass credentials with --header 'Authorization: …')`;
  if (status === 404) return /\/jobs\/[0-9a-f]{32}$/.test(path) ? 'HTTP 404: no such job on this cluster' : `HTTP 404: this endpoint does not exist in this Flink version; read without it`;
  if (status >= 500) return `HTTP ${status}: the JobManager failed to answer`;
  return `HTTP ${status}`;
}

/** One line for a failed request: refused, unknown host, timeout, TLS. */
export function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s (timeout)`;
  const code = err.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused: no REST endpoint at this address';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the server closed the connection';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `no connection within the time limit (timeout)`;
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code + ' ' + (err.cause?.message ?? ''))) {
    return `TLS error (${code || err.cause?.message}): the server's certificate is not trusted; give its CA with NODE_EXTRA_CA_CERTS=<ca.pem>`;
  }
  return `request failed: ${err.cause?.message ?? err.message ?? String(e)}`;
}

function formatMiB(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

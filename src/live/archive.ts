// Live evidence as documents: a JobManager's REST responses keyed by their path. Three shapes
// arrive here and become one `RestArchive`: a HistoryServer archive (`{"archive":[{"path",
// "json"}]}`, also what `--save-live` writes), a single saved REST response (recognised by its
// fields), and what the live client (client.ts) fetched. render.ts turns an archive into log
// records and configuration in Flink's own shapes; nothing here fetches or prints.

/** REST responses by path (`/jobs/<id>/exceptions`, `/jobmanager/config`, …), parsed. */
export type RestArchive = Map<string, unknown>;

const JOB_ID = /^[0-9a-f]{32}$/;

/** A parsed REST document; `capture` says where and when a live capture was read. */
export interface RestDocument {
  archive: RestArchive;
  kind: 'history-archive' | 'live-capture' | 'rest-response';
  capture: { source: string; observedAt: number; timezoneOffset: number } | null;
}

/** True when the head of a stream looks like a REST document worth parsing as a whole. */
export function looksLikeRestDocument(head: string): boolean {
  const t = head.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  const start = t.slice(0, 4096);
  return (
    /^\{\s*"archive"\s*:\s*\[/.test(start) ||
    /"(?:exceptionHistory|root-exception|all-exceptions)"\s*:/.test(start) ||
    (/"counts"\s*:/.test(start) && /"(?:history|latest|summary)"\s*:/.test(t.slice(0, 65536))) ||
    /^\{\s*"jobs"\s*:\s*\[\s*\{\s*"jid"/.test(start) ||
    /^\{\s*"taskmanagers"\s*:/.test(start) ||
    /^\[\s*\{\s*"key"\s*:\s*"[^"]+"\s*,\s*"value"\s*:/.test(start) ||
    (/^\{\s*"jid"\s*:/.test(start) && /"(?:vertices|execution-config|timestamps)"\s*:/.test(t.slice(0, 65536))) ||
    (/"(?:interval|mode)"\s*:/.test(start) && /"(?:timeout|tolerable_failed_checkpoints)"\s*:/.test(start) && /"externalization"\s*:/.test(start))
  );
}

/**
 * Parses a REST document: a HistoryServer archive, or one saved response whose path is inferred
 * from its fields (a job id found in it fills the path). Returns null when the text is not one.
 */
export function parseRestDocument(text: string): RestDocument | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const archive: RestArchive = new Map();
  if (isObject(doc) && Array.isArray(doc.archive)) {
    for (const entry of doc.archive) {
      if (!isObject(entry) || typeof entry.path !== 'string') continue;
      const json = entry.json;
      if (typeof json === 'string') {
        try {
          archive.set(entry.path, JSON.parse(json));
        } catch {
          // An entry that is not JSON is left out; the rest of the archive still counts.
        }
      } else if (json !== undefined) archive.set(entry.path, json);
    }
    const meta = isObject(doc.flinkDoctor) ? doc.flinkDoctor : null;
    const capture =
      meta && typeof meta.source === 'string' && typeof meta.observedAt === 'number'
        ? { source: meta.source, observedAt: meta.observedAt, timezoneOffset: typeof meta.timezoneOffset === 'number' ? meta.timezoneOffset : 0 }
        : null;
    return archive.size > 0 ? { archive, kind: capture ? 'live-capture' : 'history-archive', capture } : null;
  }
  const path = pathOfResponse(doc);
  if (!path) return null;
  archive.set(path, doc);
  return { archive, kind: 'rest-response', capture: null };
}

/** The REST path a response came from, from its fields; null when it is not one we read. */
export function pathOfResponse(doc: unknown): string | null {
  if (Array.isArray(doc)) {
    return doc.length > 0 && doc.every((e) => isObject(e) && typeof e.key === 'string' && 'value' in e) ? '/jobmanager/config' : null;
  }
  if (!isObject(doc)) return null;
  const jid = findJobId(doc);
  const job = jid ?? '0'.repeat(32);
  if ('exceptionHistory' in doc || 'root-exception' in doc || 'all-exceptions' in doc) return `/jobs/${job}/exceptions`;
  if ('counts' in doc && ('history' in doc || 'latest' in doc)) return `/jobs/${job}/checkpoints`;
  if ('externalization' in doc && 'timeout' in doc) return `/jobs/${job}/checkpoints/config`;
  if (Array.isArray(doc.jobs) && doc.jobs.every((j) => isObject(j) && typeof j.jid === 'string')) return '/jobs/overview';
  if (Array.isArray(doc.taskmanagers)) return '/taskmanagers';
  if (typeof doc.jid === 'string' && Array.isArray(doc.vertices)) return `/jobs/${doc.jid}`;
  if (typeof doc.jid === 'string' && isObject(doc['execution-config'])) return `/jobs/${doc.jid}/config`;
  return null;
}

/** The job id a response names (`jid`, or a job id in a stack trace or failure message). */
function findJobId(doc: Record<string, unknown>): string | null {
  if (typeof doc.jid === 'string' && JOB_ID.test(doc.jid)) return doc.jid;
  const m = /\bjob ([0-9a-f]{32})\b/.exec(JSON.stringify(doc).slice(0, 1 << 20));
  return m ? m[1]! : null;
}

/** The job ids an archive holds responses for, in the order first seen. */
export function jobsOf(archive: RestArchive): string[] {
  const ids = new Set<string>();
  for (const path of archive.keys()) {
    const m = /^\/jobs\/([0-9a-f]{32})(?:\/|$)/.exec(path);
    if (m) ids.add(m[1]!);
  }
  const overview = archive.get('/jobs/overview');
  if (isObject(overview) && Array.isArray(overview.jobs)) for (const j of overview.jobs) if (isObject(j) && typeof j.jid === 'string') ids.add(j.jid);
  return [...ids];
}

/** Serialises an archive in the HistoryServer's format (each response a JSON string). */
export function serialiseArchive(archive: RestArchive): string {
  return JSON.stringify({ archive: [...archive].map(([path, json]) => ({ path, json: JSON.stringify(json) })) }, null, 1) + '\n';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

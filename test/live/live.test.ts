// Live evidence: REST documents (HistoryServer archives, live captures, single saved responses)
// rendered as JobManager records, and the live client against a local HTTP server that answers
// with the responses real Flink 1.19, 1.20 and 2.3 clusters gave (test/fixtures/live, captured
// from the lab). Failures of the API (missing endpoints, authentication, timeouts, refused
// connections) are warnings naming the URL, and what was read is still diagnosed.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { parseRestDocument, pathOfResponse, looksLikeRestDocument, type RestArchive } from '../../src/live/archive.js';
import { renderArchive } from '../../src/live/render.js';
import { captureLive, describeFetchError, parseHeaders } from '../../src/live/client.js';
import { run } from '../../src/cli/main.js';
import { eventsLog } from '../../src/live/operator.js';
import { Writable, Readable } from 'node:stream';

const FIXTURES = 'test/fixtures/live';
const fixture = (name: string): string => gunzipSync(readFileSync(`${FIXTURES}/${name}.json.gz`)).toString('utf8');
const archiveOf = (name: string): RestArchive => parseRestDocument(fixture(name))!.archive;

describe('REST documents', { timeout: 30_000 }, () => {
  it('recognises HistoryServer archives, live captures and single responses by content', () => {
    for (const name of ['1.19-hardlink-eperm-history-archive', '1.20-hardlink-eperm-live', '2.3-healthy-history-archive']) {
      expect(looksLikeRestDocument(fixture(name).slice(0, 65536))).toBe(true);
    }
    expect(parseRestDocument(fixture('1.20-hardlink-eperm-history-archive'))!.kind).toBe('history-archive');
    expect(parseRestDocument(fixture('1.20-hardlink-eperm-live'))!.kind).toBe('live-capture');
    const exceptions = archiveOf('1.20-hardlink-eperm-live');
    const [path, body] = [...exceptions].find(([p]) => p.endsWith('/exceptions'))!;
    expect(path).toMatch(/^\/jobs\/[0-9a-f]{32}\/exceptions$/);
    expect(pathOfResponse(body)).toMatch(/^\/jobs\/[0-9a-f]{32}\/exceptions$/);
    expect(parseRestDocument(JSON.stringify(body))!.kind).toBe('rest-response');
    // A JSON log record or any other JSON is not a REST document.
    expect(looksLikeRestDocument('{"@timestamp":"2024-01-01T00:00:00Z","message":"x","level":"INFO"}')).toBe(false);
    expect(parseRestDocument('{"name":"package","version":"1"}')).toBeNull();
  });

  it("renders the exception history as the JobManager's task failures, with 2.x task names in the log's form", () => {
    for (const [name, version] of [['1.20-hardlink-eperm-live', '1.20'], ['2.3-hardlink-eperm-live', '2.3'], ['2.3-checkpoint-expired-live', '2.3']] as const) {
      const members = renderArchive(archiveOf(name), 'X', 0);
      const names = members.map((m) => m.name);
      expect(names.some((n) => n.endsWith('/exceptions')) || version === '2.3').toBe(true);
      for (const m of members.filter((x) => x.name.endsWith('/exceptions'))) {
        const heads = m.text.split('\n').filter((l) => /^\d{4}-/.test(l));
        for (const h of heads) {
          expect(h).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR org\.apache\.flink\.runtime\.executiongraph\.ExecutionGraph +\[\] - .+ \(\d+\/\d+\)(?:#\d+)? switched from RUNNING to FAILED on \S+ @ \S+\.$/);
          expect(h).not.toContain(' - execution #');
        }
      }
    }
  });

  it('reads the 2.x exception fields (endpoint, taskManagerId, no root-exception) and the 1.x ones', () => {
    const ex2 = [...archiveOf('2.3-hardlink-eperm-live')].find(([p]) => p.endsWith('/exceptions'))![1] as Record<string, unknown>;
    expect('root-exception' in ex2).toBe(false);
    const ex1 = [...archiveOf('1.19-hardlink-eperm-live')].find(([p]) => p.endsWith('/exceptions'))![1] as Record<string, unknown>;
    expect('root-exception' in ex1).toBe(true);
    for (const name of ['2.3-hardlink-eperm-live', '1.19-hardlink-eperm-live']) {
      const text = renderArchive(archiveOf(name), 'X', 0).find((m) => m.name.endsWith('/exceptions'))!.text;
      expect(text).toMatch(/counter -> drop -> discard: Writer \(\d\/2\)(?:#\d+)? switched from RUNNING to FAILED on 127\.0\.0\.[23]:\d+-[0-9a-f]{6} @ 127\.0\.0\.[23]\./);
    }
  });

  it('renders checkpoint statistics as CheckpointCoordinator records the timeline reads', async () => {
    const d = await diagnosePaths([`${FIXTURES}/2.3-checkpoint-expired-live.json.gz`], { ignore: [] });
    const states = new Set(d.checkpoints.map((c) => c.state));
    expect(states.has('expired') || states.has('failed')).toBe(true);
    expect(d.config.find((c) => c.key === 'execution.checkpointing.timeout' && c.source.endsWith('/checkpoints/config'))?.value).toBe('3000 ms');
  });
});

describe('diagnosis from REST documents of real Flink', { timeout: 30_000 }, () => {
  for (const version of ['1.19', '1.20', '2.3']) {
    for (const kind of ['live', 'history-archive']) {
      it(`names the seed failure on Flink ${version} from a ${kind}, with checkpoints, hosts and configuration`, async () => {
        const d = await diagnosePaths([`${FIXTURES}/${version}-hardlink-eperm-${kind}.json.gz`], { ignore: [] });
        const f = d.findings.find((x) => x.id === 'rocksdb-hardlink-unsupported')!;
        expect(f).toBeDefined();
        expect(f.checkpoints.length).toBeGreaterThanOrEqual(3);
        expect(f.hosts.sort()).toEqual(['127.0.0.2', '127.0.0.3']);
        expect(f.jobs).toHaveLength(1);
        expect(f.config.map((c) => c.key)).toContain('state.backend.rocksdb.localdir');
        expect(f.evidence[0]!.source).toMatch(/!\/jobs\/[0-9a-f]{32}\/exceptions$/);
        if (version !== '2.3') expect(f.consequences.map((c) => c.id)).toContain('restart-loop');
      });
    }
  }

  it('gives nothing above info on a healthy 2.3 job, live or archived', async () => {
    for (const name of ['2.3-healthy-live', '2.3-healthy-history-archive']) {
      const d = await diagnosePaths([`${FIXTURES}/${name}.json.gz`], { ignore: [] });
      expect(d.findings.filter((f) => f.severity !== 'info').map((f) => f.id)).toEqual([]);
    }
  });

  it('reads a 2.x HistoryServer archive directory (applications/<id>/jobs/<job id>)', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/fd-archive-`);
    const jid = [...archiveOf('2.3-checkpoint-expired-history-archive').keys()].find((p) => /^\/jobs\/[0-9a-f]{32}$/.test(p))!.slice(6);
    mkdirSync(`${dir}/00000000000000000000000000000000/applications/${jid}/jobs`, { recursive: true });
    writeFileSync(`${dir}/00000000000000000000000000000000/applications/${jid}/jobs/${jid}`, fixture('2.3-checkpoint-expired-history-archive'));
    const d = await diagnosePaths([dir], { ignore: [] });
    expect(d.findings.map((f) => f.id)).toContain('checkpoint-expired');
  });
});

/** A JobManager stand-in answering with the responses of a live capture. */
class FakeJobManager {
  server: Server;
  requests: IncomingMessage[] = [];
  constructor(archive: RestArchive, handle?: (req: IncomingMessage, res: ServerResponse) => boolean) {
    this.server = createServer((req, res) => {
      this.requests.push(req);
      if (handle?.(req, res)) return;
      const path = req.url ?? '';
      if (path === '/jobmanager/log' || /^\/taskmanagers\/[^/]+\/log$/.test(path)) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(path === '/jobmanager/log' ? '2024-01-01 00:00:00,000 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint [] - Starting StandaloneSessionClusterEntrypoint (Version: 1.20.3, Scala: 2.12, Rev:abc, Date:x)\n' : 'x'.repeat(2000) + '\n2024-01-01 00:00:01,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - tail line\n');
        return;
      }
      const body = archive.get(path) ?? archive.get(path.replace(/\?maxExceptions=\d+$/, ''));
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"errors":["Not found: ' + path + '"]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('live client', { timeout: 30_000 }, () => {
  let jm: FakeJobManager | null = null;
  afterEach(async () => {
    await jm?.stop();
    jm = null;
  });

  it('reads a cluster and diagnoses the seed failure from its exception history, statistics and configuration', async () => {
    jm = new FakeJobManager(archiveOf('1.20-hardlink-eperm-live'));
    const url = await jm.start();
    const d = await diagnosePaths([url], { ignore: [], live: { maxLogBytes: 1000 } });
    const f = d.findings.find((x) => x.id === 'rocksdb-hardlink-unsupported')!;
    expect(f.evidence[0]!.source).toBe(`${url}/jobs/${f.jobs[0]}/exceptions`);
    expect(f.checkpoints.length).toBeGreaterThan(0);
    // The JobManager's log was read whole; the TaskManager logs kept their latest 1000 bytes.
    expect(d.inputs.find((i) => i.name === `${url}/jobmanager/log`)?.role).toBe('jobmanager');
    const tmLogs = d.inputs.filter((i) => i.name.endsWith('/log') && i.name.includes('/taskmanagers/'));
    expect(tmLogs.length).toBe(2);
    for (const t of tmLogs) expect(t.role).toBe('taskmanager');
    expect(d.warnings.some((w) => /only the latest 1000 B|only the latest 1 KiB/.test(w.message) || /--max-log-bytes/.test(w.message))).toBe(true);
  });

  it('sends --header values and never prints them; a 401 is a warning that says how to authenticate', async () => {
    const secret = 'Bearer s3cr3t-t0ken';
    jm = new FakeJobManager(archiveOf('1.20-hardlink-eperm-live'), (req, res) => {
      if (req.headers.authorization !== secret) {
        res.writeHead(401);
        res.end();
        return true;
      }
      return false;
    });
    const url = await jm.start();
    const ok = await captureLive(url, { headers: [`Authorization: ${secret}`], noLogs: true });
    expect(ok.warnings.filter((w) => /401/.test(w.message))).toEqual([]);
    expect(ok.archive.size).toBeGreaterThan(5);
    const denied = await captureLive(url, { noLogs: true });
    expect(denied.warnings[0]!.message).toMatch(/HTTP 401: not authorised \(pass credentials with --header/);
    expect(denied.warnings[0]!.source).toBe(`${url}/config`);

    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) });
    const code = await run([url, '--header', `Authorization: ${secret}`, '-f', 'json', '--max-log-bytes', '4k'], { stdout: sink, stderr: sink, stdin: Readable.from([]) as never, env: {} });
    expect(code).toBe(1);
    expect(out.join('')).not.toContain('s3cr3t');
  });

  it('an endpoint missing in this Flink version is a warning and the rest is still diagnosed', async () => {
    const archive = new Map(archiveOf('1.19-hardlink-eperm-live'));
    for (const k of [...archive.keys()]) if (k.endsWith('/jobmanager/config') && k.startsWith('/jobs/')) archive.delete(k);
    jm = new FakeJobManager(archive);
    const url = await jm.start();
    const d = await diagnosePaths([url], { ignore: [], live: { noLogs: true } });
    expect(d.warnings.some((w) => /\/jobs\/[0-9a-f]{32}\/jobmanager\/config$/.test(w.source) && /does not exist in this Flink version/.test(w.message))).toBe(true);
    expect(d.findings.map((f) => f.id)).toContain('rocksdb-hardlink-unsupported');
  });

  it('a request that does not answer in time is a warning naming the URL; a refused connection too', async () => {
    jm = new FakeJobManager(archiveOf('2.3-healthy-live'), (req) => req.url === '/jobs/overview');
    const url = await jm.start();
    const slow = await captureLive(url, { timeoutMs: 300, noLogs: true });
    expect(slow.warnings.find((w) => w.source === `${url}/jobs/overview`)?.message).toMatch(/no answer within 0 s|timeout/);
    // An address where nothing listens.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const free = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = await captureLive(free, { noLogs: true });
    expect(refused.warnings).toHaveLength(1);
    expect(refused.warnings[0]!.message).toMatch(/connection refused/);
  });

  it('describes TLS failures and malformed headers in one line', () => {
    expect(describeFetchError({ message: 'fetch failed', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' } }, 1000)).toMatch(/TLS error .* NODE_EXTRA_CA_CERTS/);
    expect(() => parseHeaders(['Bearer-only-value'])).toThrow(/Name: value/);
    expect(() => parseHeaders(['Bearer-only-value'])).not.toThrow(/Bearer-only-value/);
  });

  it('--save-live writes a document that reads back to the same findings', async () => {
    jm = new FakeJobManager(archiveOf('1.20-hardlink-eperm-live'));
    const url = await jm.start();
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/fd-live-`)}/capture.json`;
    const live = await diagnosePaths([url], { ignore: [], live: { noLogs: true }, saveLive: file });
    const saved = await diagnosePaths([file], { ignore: [] });
    expect(saved.findings.map((f) => [f.id, f.checkpoints])).toEqual(live.findings.map((f) => [f.id, f.checkpoints]));
  });
});

describe('Kubernetes operator resources', { timeout: 30_000 }, () => {
  const dir = 'test/fixtures/operator';

  it("reads a FlinkDeployment's flinkConfiguration with the line of each value, and its status and error as records", async () => {
    const d = await diagnosePaths([`${dir}/flinkdeployment-ha-missing.yaml`], { ignore: [] });
    const localdir = d.config.find((c) => c.key === 'state.backend.rocksdb.localdir')!;
    expect(localdir).toEqual({ key: 'state.backend.rocksdb.localdir', value: '/mnt/checkpoints/rocksdb', source: `${dir}/flinkdeployment-ha-missing.yaml`, line: 14 });
    // metadata and status are not configuration
    expect(d.config.some((c) => c.key.startsWith('metadata') || c.key.startsWith('status') || c.key === 'kind')).toBe(false);
    const ids = d.findings.map((f) => f.id).sort();
    expect(ids).toEqual(['operator-ha-metadata-missing', 'rocksdb-localdir-on-shared-fs']);
    const ha = d.findings.find((f) => f.id === 'operator-ha-metadata-missing')!;
    expect(ha.evidence[0]!.source).toBe(`${dir}/flinkdeployment-ha-missing.yaml!status`);
  });

  it('reads `kubectl get events` rows on the lines they stand on', async () => {
    const d = await diagnosePaths([`${dir}/events.txt`], { ignore: [] });
    const f = d.findings.find((x) => x.id === 'operator-ha-metadata-missing')!;
    expect(f.evidence[0]).toMatchObject({ source: `${dir}/events.txt`, line: 4 });
    expect(f.evidence[0]!.text).toContain('Event RestoreFailed on flinkdeployment/orders-enrichment');
  });

  it('keeps an event message as written, paths and quoted names included', () => {
    const text = [
      'LAST SEEN   TYPE      REASON    OBJECT                       MESSAGE',
      '2m9s        Warning   Failed    pod/orders-taskmanager-1-1   Failed to pull image "registry.example.com/flink:1.4": rpc error: registry.example.com/flink:1.4: not found',
    ].join('\n');
    expect(eventsLog(text).split('\n')[1]).toBe('WARN  Event Failed on pod/orders-taskmanager-1-1: Failed to pull image "registry.example.com/flink:1.4": rpc error: registry.example.com/flink:1.4: not found');
  });

  it('walks a bundle reading only the JSON and YAML files that are REST documents or operator resources', async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bundle = mkdtempSync(`${tmpdir()}/fd-bundle-`);
    writeFileSync(`${bundle}/package.json`, '{"name":"app","version":"1.0.0"}');
    writeFileSync(`${bundle}/values.yaml`, 'replicas: 2\nimage: flink:1.18\n');
    copyFileSync(`${dir}/flinkdeployment-ha-missing.yaml`, `${bundle}/deployment.yaml`);
    writeFileSync(`${bundle}/exceptions.json`, JSON.stringify([...archiveOf('1.20-hardlink-eperm-live')].find(([p]) => p.endsWith('/exceptions'))![1]));
    const d = await diagnosePaths([bundle], { ignore: [] });
    const names = d.inputs.map((i) => i.name.slice(bundle.length + 1)).sort();
    expect(names).toHaveLength(3);
    expect(names.slice(0, 2)).toEqual(['deployment.yaml', 'deployment.yaml!status']);
    expect(names[2]).toMatch(/^exceptions\.json!\/jobs\/[0-9a-f]{32}\/exceptions$/);
    expect(d.warnings).toEqual([]);
    expect(d.findings.map((f) => f.id)).toContain('rocksdb-hardlink-unsupported');
  });

  it('skips other YAML given by name with a warning', async () => {
    const d = await diagnosePaths(['samples/deployment/operator-ha-metadata-missing/expect.yaml'], { ignore: [] });
    expect(d.warnings.map((w) => w.message)).toEqual(['YAML file that is neither Flink configuration nor a Flink operator resource; not read']);
  });
});

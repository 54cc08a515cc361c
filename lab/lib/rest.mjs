// A few calls of Flink's REST API that the lab needs: cluster overview, jar upload and run,
// job status, checkpoint statistics, savepoints, cancel.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sleep } from './proc.mjs';

export class Rest {
  constructor(url) {
    this.url = url.replace(/\/$/, '');
  }

  async call(method, path, body, { timeoutMs = 30_000 } = {}) {
    const init = { method, signal: AbortSignal.timeout(timeoutMs) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(this.url + path, init);
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { raw: text }; }
    if (!res.ok) {
      const err = new Error(`${method} ${path}: HTTP ${res.status}: ${(json?.errors ?? [text]).join(' ').slice(0, 2000)}`);
      err.status = res.status;
      err.body = json;
      throw err;
    }
    return json;
  }

  overview() { return this.call('GET', '/overview', undefined, { timeoutMs: 5000 }); }

  async uploadJar(path) {
    const form = new FormData();
    form.append('jarfile', new Blob([readFileSync(path)], { type: 'application/x-java-archive' }), basename(path));
    const r = await this.call('POST', '/jars/upload', form, { timeoutMs: 120_000 });
    return r.filename.split('/').pop();
  }

  /** Runs an uploaded jar; returns the job id. */
  async runJar(jarId, { entryClass, args = [], parallelism, savepointPath, allowNonRestoredState } = {}) {
    const body = { entryClass, programArgsList: args };
    if (parallelism) body.parallelism = parallelism;
    if (savepointPath) body.savepointPath = savepointPath;
    if (allowNonRestoredState !== undefined) body.allowNonRestoredState = allowNonRestoredState;
    const r = await this.call('POST', `/jars/${jarId}/run`, body, { timeoutMs: 180_000 });
    return r.jobid;
  }

  jobs() { return this.call('GET', '/jobs/overview'); }
  job(id) { return this.call('GET', `/jobs/${id}`); }
  checkpoints(id) { return this.call('GET', `/jobs/${id}/checkpoints`); }
  exceptions(id) { return this.call('GET', `/jobs/${id}/exceptions`); }
  cancel(id) { return this.call('PATCH', `/jobs/${id}?mode=cancel`); }

  async savepoint(id, dir, { stop = false, timeoutMs = 120_000 } = {}) {
    const path = stop ? `/jobs/${id}/stop` : `/jobs/${id}/savepoints`;
    const body = stop ? { targetDirectory: dir, drain: false } : { 'target-directory': dir, 'cancel-job': false };
    const { 'request-id': req } = await this.call('POST', path, body);
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const s = await this.call('GET', `/jobs/${id}/savepoints/${req}`);
      if (s.status?.id === 'COMPLETED') {
        if (s.operation?.location) return { location: s.operation.location };
        return { failure: s.operation?.['failure-cause']?.['stack-trace'] ?? 'savepoint failed' };
      }
      await sleep(1000);
    }
    return { failure: 'savepoint did not complete in time' };
  }
}

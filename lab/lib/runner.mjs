// Runs one lab case on one Flink version: distribution, jobs, cluster, the failure, the capture
// (logs, .out files, configuration, expect.yaml), the diagnosis, and the cluster stopped.

import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { ensureDistribution, majorOf } from './dist.mjs';
import { buildJobs, buildShim } from './build.mjs';
import { startCluster } from './cluster.mjs';
import { baseConfig } from './settings.mjs';
import { checkReport } from './expect.mjs';
import { run, sleep } from './proc.mjs';

const LAB = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(LAB, '..');
export const CAPTURES = join(LAB, 'captures');

/** Logs above this size are stored gzipped in a capture (flink-doctor reads .gz). */
const GZIP_FROM = 512 * 1024;

function workRoot() {
  return process.env.FLINK_LAB_WORK || join(tmpdir(), 'flink-doctor-lab');
}

export class CaseFailed extends Error {}

function makeContext(c, pre, cluster, jars, log) {
  let jarId = null;
  const rest = cluster.rest;
  const { version, work, shim } = pre;
  const ctx = {
    version, v2: majorOf(version) >= 2, work, local: pre.local, cluster, rest, jars, shim, log,
    truth: {},
    /** Submits the lab job with name/value options; returns the job id. */
    async submit(options = {}, runOptions = {}) {
      if (!jarId) jarId = await rest.uploadJar(jars.jobJar);
      const args = Object.entries(options).flatMap(([k, v]) => [`--${k}`, String(v)]);
      const id = await rest.runJar(jarId, { entryClass: 'lab.LabJob', args, ...runOptions });
      log(`  job ${id} submitted (${options.mode ?? 'stateful'})`);
      return id;
    },
    /** Polls fn (a boolean or value) until it is truthy; fails the case after timeoutMs. */
    async waitFor(what, fn, timeoutMs = 180_000, everyMs = 1500) {
      const until = Date.now() + timeoutMs;
      let last;
      while (Date.now() < until) {
        const dead = cluster.processes.find((p) => p.exited && !p.expectedExit);
        if (dead && !c.processesMayExit) throw new CaseFailed(`${dead.role}-${dead.index} exited (${JSON.stringify(dead.exited)}) while waiting for ${what}`);
        try { last = await fn(); } catch (e) { last = undefined; ctx.lastError = e; }
        if (last) return last;
        await sleep(everyMs);
      }
      throw new CaseFailed(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${ctx.lastError ? ` (last error: ${ctx.lastError.message})` : ''}`);
    },
    /** The text of the logs of one role ('standalonesession', 'taskexecutor') or all of them. */
    logText(role) {
      return cluster.processes.filter((p) => !role || p.role === role).map((p) => (existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8') : '')).join('\n');
    },
    grep(re, role) { return re.test(ctx.logText(role)); },
    /** Indices of the TaskManagers whose log matches re. */
    taskManagersMatching(re) {
      return cluster.processes.filter((p) => p.role === 'taskexecutor' && existsSync(p.logFile) && re.test(readFileSync(p.logFile, 'utf8'))).map((p) => p.index);
    },
    async jobState(id) { return (await rest.job(id)).state; },
    async checkpointCounts(id) { return (await rest.checkpoints(id)).counts; },
    async checkpointHistory(id) { return (await rest.checkpoints(id)).history ?? []; },
  };
  return ctx;
}

/** Copies what a support engineer would be sent: the log and .out files and the configuration. */
function capture(c, version, cluster, expect, root = CAPTURES) {
  const dest = join(root, c.name, version);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  copyFileSync(cluster.configFile, join(dest, basename(cluster.configFile)));
  for (const f of readdirSync(cluster.logDir).sort()) {
    const src = join(cluster.logDir, f);
    if (!statSync(src).isFile()) continue;
    const data = readFileSync(src);
    if (f.endsWith('.out') && data.length === 0) continue;
    if (data.length >= GZIP_FROM) writeFileSync(join(dest, `${f}.gz`), gzipSync(data, { level: 9 }));
    else writeFileSync(join(dest, f), data);
  }
  const header = `# Captured by \`npm run lab -- ${c.name} --flink ${version}\`: what flink-doctor must say about this directory.\n`;
  writeFileSync(join(dest, 'expect.yaml'), header + stringify(expect));
  return dest;
}

/** Runs flink-doctor (the built CLI) over a directory: the parsed JSON report and its exit code. */
export async function diagnose(dir) {
  const r = await run(process.execPath, [join(ROOT, 'bin', 'flink-doctor.js'), '--format', 'json', '--quiet', dir], { timeoutMs: 300_000 });
  try { return { ...JSON.parse(r.stdout), exitCode: r.code }; } catch { throw new Error(`flink-doctor gave no JSON report (exit ${r.code}): ${r.stderr.slice(0, 500)}`); }
}

/**
 * Runs case c on a Flink version. Returns { dest, problems, seconds, cluster (with keep) }.
 * Every process is stopped on return, on error and on SIGINT/SIGTERM, unless keep is set.
 */
export async function runCase(c, version, { port = 8081, keep = false, rest = false, log = console.log, captures = CAPTURES } = {}) {
  const t0 = Date.now();
  const home = await ensureDistribution(version, log);
  const jars = await buildJobs(home, version);
  const shim = c.shim ? await buildShim() : null;
  const work = join(workRoot(), `${c.name}-${version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // Local state lives apart from the checkpoint tree, as on a TaskManager's own disk.
  const localWork = join(process.env.FLINK_LAB_LOCAL || '/var/tmp/flink-doctor-lab', `${c.name}-${version}`);
  rmSync(localWork, { recursive: true, force: true });
  mkdirSync(localWork, { recursive: true });
  const pre = { version, v2: majorOf(version) >= 2, work, local: localWork, shim };
  const config = { ...baseConfig(version, c.cluster ?? {}), ...(c.config ? c.config(pre) : {}) };
  if (c.prepare) await c.prepare(pre);
  log(`${c.name} on Flink ${version}: starting a cluster in ${work}`);
  let cluster = null;
  let stopping = false;
  const onSignal = async (sig) => {
    if (stopping) return; // a second Ctrl-C while the cluster stops does not leave it running
    stopping = true;
    log(`\n${sig}: stopping the cluster`);
    if (cluster) await cluster.stop();
    if (c.cleanup) await c.cleanup(pre).catch(() => {});
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    cluster = await startCluster({
      home, version, dir: work, config, restPort: port, log,
      taskManagers: c.cluster?.taskManagers ?? 2,
      tmEnv: (i) => (c.tmEnv ? c.tmEnv(pre, i) : {}),
      tmUlimitNofile: c.cluster?.ulimitNofile,
      comments: [`flink-doctor lab: ${c.name} (${c.kind})`],
    });
    const tUp = Date.now();
    log(`  cluster up in ${((tUp - t0) / 1000).toFixed(1)} s at ${cluster.restUrl}`);
    const ctx = makeContext(c, pre, cluster, jars, log);
    await c.run(ctx);
    await sleep(c.settleMs ?? 3000); // let the appenders write what followed
    const expect = { case: c.name, kind: c.kind, flink: version, ...c.expect(ctx) };
    const dest = capture(c, version, cluster, expect, captures);
    // --rest: the same expectations held against the live cluster's REST API (flink-doctor
    // http://localhost:<port>), read before the cluster stops.
    let restProblems = [];
    if (rest) {
      const live = await diagnose(cluster.restUrl);
      restProblems = checkReport(live, { ...expect, finding: expect.finding ? { ...expect.finding, hosts: [] } : undefined }).map((p) => `REST API: ${p}`);
      const found = live.findings.map((f) => `${f.id} (${f.severity})`).join(', ') || 'no findings';
      log(`  flink-doctor ${cluster.restUrl}: ${found}${restProblems.length ? '' : ' — right'}`);
    }
    if (!keep) await cluster.stop();
    const report = await diagnose(dest);
    const problems = [...checkReport(report, expect), ...restProblems];
    const seconds = (Date.now() - t0) / 1000;
    const found = report.findings.map((f) => `${f.id} (${f.severity})`).join(', ') || 'no findings';
    log(`  captured in ${dest.replace(ROOT + '/', '')}; flink-doctor (exit ${report.exitCode}): ${found}`);
    if (c.explain) for (const line of c.explain(ctx)) log(`  ${line}`);
    log(problems.length ? `  DIAGNOSIS WRONG: ${problems.join('; ')}` : `  diagnosis right (${seconds.toFixed(1)} s in all)`);
    if (keep) {
      log(`  the cluster keeps running at ${cluster.restUrl} (Flink ${version}, logs in ${cluster.logDir});`);
      log('  stop it with: npm run lab -- stop');
    }
    return { dest, problems, seconds, report, cluster: keep ? cluster : null };
  } catch (e) {
    if (cluster) {
      log(`  failed: ${e.message}`);
      log(`  logs left in ${cluster.logDir}`);
      await cluster.stop();
    }
    throw e;
  } finally {
    if (c.cleanup) await c.cleanup(pre).catch(() => {});
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

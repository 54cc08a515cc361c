// Benchmark: times flink-doctor's full diagnosis (--format json) against `LC_ALL=C grep -c -E`
// over a fixed list of 20 trigger strings, alternating runs in the same process, on generated
// Flink logs: one large TaskManager log (several sizes, to show linear time), a directory of
// 8 files, the large log gzipped, the large log on stdin, a 100 MiB line without a newline, and
// hit-dense logs: a crash-looping job whose log is mostly failures (--density, the share of
// records that are failures; default 0.2), and a noisy but healthy log: --warn-density times the
// records at WARN or above of the large log (default 6: Kafka clients losing a broker for a moment,
// harmless WARNs with short traces, config dumps, 2–8 KB lines), where no failure beyond the
// injected incidents may be reported at severity error or above.
// The large log and the directory are also scanned on one thread (--workers 1), to show what the
// lanes bring. It prints medians of wall and processor time (user + system, all threads), MB/s,
// the ratio to grep, peak RSS and the threads that scanned, and checks every injected incident
// was found. A scaling table follows: the largest log and the directory on 1, 2, 4, 8, 16 lanes
// (--workers N; as many as the machine's usable cores, or the counts given with --lanes), with
// the ratios to one lane, to grep and to ripgrep, medians of the same alternated runs; --max-memory is passed on when given (else the default budget caps the lanes, and the
// threads column says how many ran).
// Then the Kafka scenario (bench/kafka.mjs) when a broker runs.
// ripgrep is a second baseline beside grep when it is on the PATH or named by RG=path (`rg -c -F`
// over the same strings): every row then shows its time and the ratio to it.
// Usage: [RG=path] npm run bench [-- --sizes 256,1024,4096 --runs 3 --quick --lanes 1,2,4
// --max-memory 1G --density 0.2 --dense-sizes 256,1024 --dense-only --warn-density 6 --no-kafka]

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, INCIDENTS } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const sizes = (flag('--sizes', quick ? '256' : '256,1024,4096')).split(',').map(Number);
const runs = Number(flag('--runs', quick ? '1' : '3'));
const big = quick ? 256 : 1024;
const density = Number(flag('--density', '0.2'));
const denseSizes = flag('--dense-sizes', String(big)).split(',').map(Number);
const denseOnly = args.includes('--dense-only');
const warnDensity = Number(flag('--warn-density', '6'));
const maxMemory = flag('--max-memory', null);

const triggers = readFileSync(join(here, 'grep-baseline-triggers.txt'), 'utf8').split('\n').filter(Boolean);
const grepPattern = triggers.map((t) => t.replace(/[.[\]()*+?^$|\\{}]/g, '\\$&')).join('|');
const bin = join(root, 'bin', 'flink-doctor.js');
const hasTime = existsSync('/usr/bin/time');

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench: run `npm run build` (or npm ci) first');
  process.exit(2);
}

async function file(name, sizeMiB, opts = {}) {
  const path = join(out, name);
  if (!existsSync(path) || statSync(path).size < sizeMiB * 1024 * 1024) {
    process.stderr.write(`generating ${name} (${sizeMiB} MiB)…\n`);
    await generate(path, sizeMiB, opts);
  }
  return path;
}

function report(json) {
  const doc = JSON.parse(json);
  const ids = new Set(doc.findings.map((f) => f.id));
  // Findings at error or above that no injected incident explains (false alarms on harmless noise).
  const extra = doc.findings.filter((f) => (f.severity === 'error' || f.severity === 'critical') && !INCIDENTS.includes(f.id)).map((f) => f.id);
  return { missing: INCIDENTS.filter((k) => !ids.has(k)), extra, threads: doc.stats.threads };
}

const rows = [];
function scenario(name, bytes, fdCmd, grepCmd, rgCmd = null, { noAlarms = false } = {}) {
  // Alternate the commands run by run, so all see the same machine state.
  const fdRuns = [];
  const grepRuns = [];
  const rgRuns = [];
  let seen = { missing: [], extra: [], threads: 0 };
  for (let i = 0; i < runs; i++) {
    const f = measureOnce(fdCmd, i === 0);
    if (i === 0) seen = report(f.stdout);
    fdRuns.push(f);
    grepRuns.push(measureOnce(grepCmd, false));
    if (rgBin && rgCmd) rgRuns.push(measureOnce(rgCmd, false));
  }
  const med = (xs, key = 'secs') => xs.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fd = med(fdRuns);
  const gr = med(grepRuns);
  const rgs = rgRuns.length ? med(rgRuns) : null;
  const row = {
    scenario: name,
    MiB: Math.round(bytes / 1048576),
    'flink-doctor s': fd.toFixed(2),
    'cpu s': hasTime ? med(fdRuns, 'cpu').toFixed(2) : 'n/a',
    threads: seen.threads,
    'MB/s': Math.round(bytes / 1e6 / fd),
    'grep s': gr.toFixed(2),
    'ratio fd/grep': (fd / gr).toFixed(2),
    'rg s': rgs ? rgs.toFixed(2) : 'n/a',
    'ratio fd/rg': rgs ? (fd / rgs).toFixed(2) : 'n/a',
    'peak RSS MiB': hasTime ? Math.round(Math.max(...fdRuns.map((x) => x.rss)) / 1024) : 'n/a',
    incidents: seen.missing.length > 0 ? `MISSING ${seen.missing.join(',')}` : noAlarms && seen.extra.length > 0 ? `FALSE ALARM ${seen.extra.join(',')}` : 'all found',
  };
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return { fd, gr, threads: seen.threads };
}

function measureOnce(cmd, capture) {
  const shell = hasTime ? `/usr/bin/time -f '%e %U %S %M' -o ${join(out, '.time')} bash -c ${JSON.stringify(cmd)}` : cmd;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', shell], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
  const [, user, sys, rss] = hasTime ? readFileSync(join(out, '.time'), 'utf8').trim().split('\n').pop().split(/\s+/).map(Number) : [0, 0, 0, 0];
  return { secs, cpu: user + sys, rss, stdout: capture ? r.stdout : '' };
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const fdJson = `node ${q(bin)} --format json -q`;
const grepE = `LC_ALL=C grep -c -E ${q(grepPattern)}`;
// ripgrep: RG=path, else rg on the PATH; none: its columns say n/a.
const rgBin = process.env.RG || (spawnSync('rg', ['--version']).status === 0 ? 'rg' : null);
if (process.env.RG && spawnSync(process.env.RG, ['--version']).status !== 0) {
  console.error(`bench: RG=${process.env.RG} does not run`);
  process.exit(2);
}
const rgF = rgBin ? `${q(rgBin)} -c -F -f ${q(join(here, 'grep-baseline-triggers.txt'))}` : null;

// Warm the page cache for every input before timing.
const warm = (p) => execFileSync('bash', ['-c', `cat ${q(p)} > /dev/null`]);

const lanes = {};
// Hit-dense logs: most records are failures (checkpoints declined and expired, tasks failing,
// restarts, application exceptions), so parsing, detection and correlation run on most records.
for (const size of denseSizes) {
  const p = await file(`tm-dense-${density}-${size}.log`, size, { density, seed: 7 });
  warm(p);
  scenario(`hit-dense TaskManager log (${Math.round(density * 100)} % failures)`, statSync(p).size, `${fdJson} ${q(p)}`, `${grepE} ${q(p)}`, `${rgF} ${q(p)}`);
}
// A noisy but healthy log: the large log's kind, with warnDensity times its records at WARN or above.
if (warnDensity > 1) {
  const p = await file(`tm-warn${warnDensity}-${big}.log`, big, { warnDensity, seed: 11 });
  warm(p);
  const name = `noisy TaskManager log (${warnDensity}x WARN density)`;
  scenario(name, statSync(p).size, `${fdJson} ${q(p)}`, `${grepE} ${q(p)}`, `${rgF} ${q(p)}`, { noAlarms: true });
  scenario(`${name}, --workers 1`, statSync(p).size, `${fdJson} --workers 1 ${q(p)}`, `${grepE} ${q(p)}`, `${rgF} ${q(p)}`, { noAlarms: true });
}
if (denseOnly) sizes.length = 0;
// One thread on one core: on one thread, the compiler's and collector's helper threads and the
// reads still use the other cores; pinned to one core they do not.
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
for (const size of sizes) {
  const p = await file(`tm-${size}.log`, size);
  warm(p);
  const auto = scenario(`one TaskManager log`, statSync(p).size, `${fdJson} ${q(p)}`, `${grepE} ${q(p)}`, `${rgF} ${q(p)}`);
  if (hasTaskset && size === Math.max(...sizes)) lanes.large = [scenario(`one TaskManager log, one core (taskset -c 0, --workers 1)`, statSync(p).size, `taskset -c 0 ${fdJson} --workers 1 ${q(p)}`, `${grepE} ${q(p)}`, `taskset -c 0 ${rgF} -j 1 ${q(p)}`), auto];
}
if (!denseOnly) {
  const p = await file(`tm-${big}.log`, big);
  warm(p);
  lanes.file = [scenario(`one TaskManager log, --workers 1`, statSync(p).size, `${fdJson} --workers 1 ${q(p)}`, `${grepE} ${q(p)}`, `${rgF} ${q(p)}`)];
}

// The directory scenario's input, also timed by the scaling table (not with --dense-only).
let dir, dirBytes, grepDir;
if (!denseOnly) {
dir = join(out, 'dir-8x' + big / 8);
mkdirSync(dir, { recursive: true });
dirBytes = 0;
for (let i = 0; i < 8; i++) {
  const p = await file(`dir-8x${big / 8}/flink-flink-${i === 0 ? 'standalonesession' : 'taskexecutor'}-0-host${i}.log`, big / 8, { seed: 100 + i, role: i === 0 ? 'jm' : 'tm' });
  warm(p);
  dirBytes += statSync(p).size;
}
grepDir = `LC_ALL=C grep -r -c -E ${q(grepPattern)} ${q(dir)}`;
lanes.dir = [scenario(`directory of 8 files, --workers 1`, dirBytes, `${fdJson} --workers 1 ${q(dir)}`, grepDir, `${rgF} -j 1 ${q(dir)}`), scenario(`directory of 8 files`, dirBytes, `${fdJson} ${q(dir)}`, grepDir, `${rgF} ${q(dir)}`)];
if (hasTaskset) lanes.core = [scenario(`directory of 8 files, one core (taskset -c 0, --workers 1)`, dirBytes, `taskset -c 0 ${fdJson} --workers 1 ${q(dir)}`, grepDir, `taskset -c 0 ${rgF} -j 1 ${q(dir)}`), lanes.dir[1]];

const plain = await file(`tm-${big}.log`, big);
const gz = join(out, `tm-${big}.log.gz`);
if (!existsSync(gz)) {
  process.stderr.write(`compressing ${gz}…\n`);
  execFileSync('bash', ['-c', `gzip -c ${q(plain)} > ${q(gz)}`]);
}
warm(gz);
scenario(`same log gzipped`, statSync(plain).size, `${fdJson} ${q(gz)}`, `gzip -dc ${q(gz)} | ${grepE}`, `gzip -dc ${q(gz)} | ${rgF}`);
scenario(`same log on stdin`, statSync(plain).size, `${fdJson} - < ${q(plain)}`, `${grepE} < ${q(plain)}`, `${rgF} < ${q(plain)}`);

// Memory bound: a 100 MiB line without a newline, with a failure at its end.
const longLine = join(out, 'long-line-100m.log');
if (!existsSync(longLine)) {
  const inst = '/mnt/share/rocks/job_5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b_op_X__1_1__uuid_1';
  writeFileSync(longLine, Buffer.concat([Buffer.alloc(100 << 20, 0x61), Buffer.from(` org.rocksdb.RocksDBException: while link file to ${inst}/chk-3.tmp/1.sst: ${inst}/db/1.sst: Not supported`)]));
}
const ll = measureOnce(`${fdJson} ${q(longLine)}`, true);
const llFound = JSON.parse(ll.stdout).findings.some((f) => f.id === 'rocksdb-hardlink-unsupported');
rows.push({ scenario: '100 MiB line, no newline', MiB: 100, 'flink-doctor s': ll.secs.toFixed(2), 'cpu s': hasTime ? ll.cpu.toFixed(2) : 'n/a', threads: JSON.parse(ll.stdout).stats.threads, 'MB/s': Math.round((100 * 1048576) / 1e6 / ll.secs), 'grep s': '', 'ratio fd/grep': '', 'rg s': '', 'ratio fd/rg': '', 'peak RSS MiB': hasTime ? Math.round(ll.rss / 1024) : 'n/a', incidents: llFound ? 'found' : 'MISSING' });
}

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
console.log(`flink-doctor benchmark — node ${process.version}, ${cpu}, ${runs} run(s) each, medians, page cache warm`);
console.log(`baseline: LC_ALL=C grep -c -E over the ${triggers.length} strings in bench/grep-baseline-triggers.txt; ${rgBin ? `${spawnSync(rgBin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]} (${rgBin}), rg -c -F -f over the same strings` : 'ripgrep: not found (put rg on the PATH or set RG=path)'}`);
console.table(rows);
const auto = rows.find((r) => r.scenario === 'one TaskManager log' && r.MiB === big);
if (auto) lanes.file.push({ fd: Number(auto['flink-doctor s']), threads: auto.threads });
for (const [what, [one, many]] of Object.entries(lanes)) {
  if (!one || !many) continue;
  const input = what === 'file' ? `one ${big} MiB log` : what === 'large' ? `one ${Math.max(...sizes)} MiB log` : 'directory of 8 files';
  const base = what === 'core' || what === 'large' ? 'one thread on one core' : 'one thread (--workers 1)';
  console.log(`${input}: ${base} ${one.fd.toFixed(2)} s, the default (${many.threads} thread${many.threads === 1 ? '' : 's'}) ${many.fd.toFixed(2)} s: ${(one.fd / many.fd).toFixed(2)}x`);
}
// Scaling: the same inputs on 1, 2, 4, … lanes, alternated run by run with the baselines.
const { usableCores } = await import(join(root, 'dist', 'run', 'plan.js'));
const cores = usableCores();
const laneCounts = flag('--lanes', null)?.split(',').map(Number) ?? [1, 2, 4, 8, 16].filter((n) => n <= cores).concat(cores > 1 && ![2, 4, 8, 16].includes(cores) ? [cores] : []);
const rg = rgBin !== null;
const rgPattern = rgF;
function scaling(name, path, bytes, grepCmd, rgCmd) {
  const fd = new Map(laneCounts.map((n) => [n, []]));
  const threads = new Map();
  const grepRuns = [];
  const rgRuns = [];
  for (let i = 0; i < runs; i++) {
    for (const n of laneCounts) {
      const r = measureOnce(`${fdJson} --workers ${n}${maxMemory ? ` --max-memory ${maxMemory}` : ''} ${q(path)}`, i === 0);
      if (i === 0) {
        const seen = report(r.stdout);
        threads.set(n, seen.threads);
        if (seen.missing.length) throw new Error(`${name}, ${n} lanes: MISSING ${seen.missing.join(',')}`);
      }
      fd.get(n).push(r);
    }
    grepRuns.push(measureOnce(grepCmd, false));
    if (rg) rgRuns.push(measureOnce(rgCmd, false));
  }
  const med = (xs, key = 'secs') => xs.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const one = med(fd.get(laneCounts[0]));
  const gr = med(grepRuns);
  const rgs = rg ? med(rgRuns) : null;
  const table = laneCounts.map((n) => {
    const s = med(fd.get(n));
    return {
      input: name,
      lanes: n,
      threads: threads.get(n),
      's': s.toFixed(2),
      'cpu s': hasTime ? med(fd.get(n), 'cpu').toFixed(2) : 'n/a',
      [`speed-up vs ${laneCounts[0]} lane${laneCounts[0] === 1 ? '' : 's'}`]: (one / s).toFixed(2),
      'ratio fd/grep': (s / gr).toFixed(2),
      'ratio fd/rg': rgs ? (s / rgs).toFixed(2) : 'n/a',
      'peak RSS MiB': hasTime ? Math.round(Math.max(...fd.get(n).map((x) => x.rss)) / 1024) : 'n/a',
    };
  });
  return { table, baseline: `${name}: grep ${gr.toFixed(2)} s${rgs ? `, rg ${rgs.toFixed(2)} s` : ''} (${Math.round(bytes / 1048576)} MiB)` };
}
// (Not with --dense-only: the large log and the directory were not made.)
if (!denseOnly) {
  const largest = join(out, `tm-${Math.max(...sizes)}.log`);
  const results = [
    scaling(`one ${Math.max(...sizes)} MiB log`, largest, statSync(largest).size, `${grepE} ${q(largest)}`, `${rgPattern} ${q(largest)}`),
    scaling('directory of 8 files', dir, dirBytes, grepDir, `${rgPattern} ${q(dir)}`),
  ];
  console.log(`\nscaling — ${cores} usable core${cores === 1 ? '' : 's'} (affinity and cgroup CPU quota), load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}${maxMemory ? `, --max-memory ${maxMemory}` : ', default memory budget'}`);
  for (const r of results) console.log(r.baseline);
  console.table(results.flatMap((r) => r.table));
}

const failed = rows.some((r) => /MISSING|FALSE ALARM/.test(String(r.incidents)));
process.exitCode = failed ? 1 : 0;

// The Kafka scenario (bench/kafka.mjs), when the broker of scripts/kafka-broker.mjs is running.
if (args.includes('--no-kafka')) console.log('Kafka scenario: skipped (--no-kafka)');
else if (spawnSync(process.execPath, [join(root, 'scripts', 'kafka-broker.mjs'), 'status'], { stdio: 'ignore' }).status !== 0) {
  console.log('Kafka scenario: skipped, no broker running (start one with: node scripts/kafka-broker.mjs start)');
} else {
  const k = spawnSync(process.execPath, [join(here, 'kafka.mjs'), ...(quick ? ['--quick'] : ['--runs', String(runs)])], { stdio: 'inherit' });
  if (k.status !== 0) process.exitCode = 1;
}

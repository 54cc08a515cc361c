// Benchmark of the scan kernel alone, on one thread: the literal search run each way (Wu-Manber,
// Teddy on every pass that has it, and each mix when the search has two passes) and the line walk
// (newlines, level column, hits placed on lines), over the bench's 1 GiB TaskManager log read
// into one buffer lent by the kernel. Ways alternate chunk by chunk, so all see the same machine
// state; reads are not timed. The forced ways search with the tables as built (each literal
// entered by the window a byte model of log text rates rarest); 'auto' as a scan does: retuned to
// the text on the first chunk (rarest windows by its block counts), the way chosen by timing.
// Literal sets: the built-in patterns' (what a source with a fixed
// level column is searched for), the same plus the problem literals (a source without one), and
// the 20 strings of bench/grep-baseline-triggers.txt. Also prints the way the kernel chooses.
// Usage: npm run build && node bench/kernel.mjs [--mib 1024] [--file PATH]

import { existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const mib = Number(flag('--mib', '1024'));
let path = flag('--file', null);
if (!path) {
  path = join(here, 'out', `tm-${mib}.log`);
  if (!existsSync(path) || statSync(path).size < mib * 1048576) await generate(path, mib);
}
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'scan', 'kernel.wasm'))) {
  console.error('bench: run `npm run build` first');
  process.exit(2);
}
const { scanKernel } = await import(join(dist, 'scan', 'kernel.js'));
const { buildPrefilter } = await import(join(dist, 'scan', 'prefilter.js'));
const { loadPatterns, BUILTIN_PATTERN_DIR } = await import(join(dist, 'detect', 'pattern.js'));
const { scanLiterals, PROBLEM_LITERALS } = await import(join(dist, 'detect', 'detector.js'));

const builtin = scanLiterals(loadPatterns([BUILTIN_PATTERN_DIR]));
const sets = [
  ['built-in patterns', builtin],
  ['built-in + problem literals', [...builtin, ...PROBLEM_LITERALS]],
  ['grep-baseline-triggers.txt', readFileSync(join(here, 'grep-baseline-triggers.txt'), 'utf8').split('\n').filter(Boolean)],
];
const kernel = scanKernel();
const lease = kernel.lease(1, 1 << 20);
const buf = lease.buffers[0];
const fd = openSync(path, 'r');
const size = statSync(path).size;
// The level column of the generated log's header lines (`yyyy-MM-dd HH:mm:ss,SSS LEVEL`).
const col = 24;
const rows = [];
for (const [name, literals] of sets) {
  const prefilter = buildPrefilter(literals);
  const passes = prefilter.tables().passes.length;
  const ways = passes === 2 ? [['wu-manber', 'wu-manber'], ['wu-manber', 'teddy'], ['teddy', 'wu-manber'], ['teddy', 'teddy']] : [['wu-manber'], ['teddy']];
  const time = ways.map(() => 0n);
  const counts = ways.map(() => 0);
  let autoTime = 0n;
  let autoCount = 0;
  let scanTime = 0n;
  for (let off = 0; off < size; ) {
    const n = readSync(fd, buf, 0, buf.length, off);
    off += n;
    ways.forEach((way, w) => {
      const t0 = process.hrtime.bigint();
      const hits = kernel.find(prefilter, buf, n, way);
      time[w] += process.hrtime.bigint() - t0;
      if (!hits) throw new Error('the kernel declined a chunk');
      counts[w] += hits.length / 2;
    });
    kernel.searchEngine = 'auto';
    const t1 = process.hrtime.bigint();
    const auto = kernel.find(prefilter, buf, n, 'auto');
    autoTime += process.hrtime.bigint() - t1;
    if (!auto) throw new Error('the kernel declined a chunk');
    autoCount += auto.length / 2;
    kernel.searchEngine = 'auto';
    const t0 = process.hrtime.bigint();
    const s = kernel.scan(prefilter, buf, n, true, col);
    scanTime += process.hrtime.bigint() - t0;
    if (!s) throw new Error('the kernel declined a chunk');
  }
  if (new Set([...counts, autoCount]).size !== 1) throw new Error(`${name}: the ways found different hits: ${counts.join(', ')}, auto ${autoCount}`);
  const mbs = (t) => Math.round(size / 1e6 / (Number(t) / 1e9));
  const row = { literals: `${name} (${new Set(literals).size})`, passes };
  ways.forEach((way, w) => (row[`search ${way.join('+')} MB/s`] = mbs(time[w])));
  row['search auto (retuned, chosen way) MB/s'] = mbs(autoTime);
  row['chosen'] = (kernel.searchOf(prefilter) ?? ['(not chosen)']).join('+');
  row['search + line walk, chosen, MB/s'] = mbs(scanTime);
  row.hits = counts[0];
  rows.push(row);
}
lease.release();
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
console.log(`scan kernel alone, one thread — node ${process.version}, ${cpu}, ${Math.round(size / 1048576)} MiB (${path}), load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const row of rows) console.log(JSON.stringify(row));


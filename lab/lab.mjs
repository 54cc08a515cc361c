#!/usr/bin/env node
// The Flink lab: real standalone Flink clusters that make known failures happen, with the logs
// captured under lab/captures/<case>/<flink-version>/ and diagnosed by flink-doctor.
//
//   npm run lab -- <case> [--flink <version>] [--port <rest port>] [--keep]
//   npm run lab -- --all [--flink <version>]     every case (on every known version without --flink)
//   npm run lab -- list | stop

import { CASES, findCase } from './cases.mjs';
import { NEWEST, VERSIONS } from './lib/dist.mjs';
import { freePort, stopClusters } from './lib/cluster.mjs';
import { runCase } from './lib/runner.mjs';

const USAGE = `usage: npm run lab -- <case> [--flink <version>] [--port <rest port>|auto] [--keep] [--out <dir>]
       npm run lab -- --all [--flink <version>] [--port <rest port>]
       npm run lab -- list          the cases and Flink versions
       npm run lab -- stop          stop every cluster the lab left running (--keep)
--out writes the capture under <dir>/<case>/<version> instead of lab/captures.
--rest also diagnoses the live cluster through its REST API (flink-doctor http://localhost:<port>)
and holds it to the same expectations, before the cluster stops.`;

function parse(argv) {
  const o = { cases: [], versions: [], port: 8081, keep: false, all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--flink') o.versions.push(...String(argv[++i] ?? '').split(',').filter(Boolean));
    else if (a === '--port') o.port = argv[i + 1] === 'auto' ? (i++, 0) : Number(argv[++i]);
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--keep') o.keep = true;
    else if (a === '--rest') o.rest = true;
    else if (a === '--all') o.all = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.cases.push(a);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error('--port needs a port number (or auto)');
  if (o.out === undefined && argv.includes('--out')) throw new Error('--out needs a directory');
  return o;
}

async function main() {
  let o;
  try { o = parse(process.argv.slice(2)); } catch (e) { console.error(`lab: ${e.message}\n${USAGE}`); return 2; }
  if (o.help || (!o.all && o.cases.length === 0)) { console.log(USAGE); return o.help ? 0 : 2; }
  if (o.cases[0] === 'stop') { const n = await stopClusters(); console.log(n ? `stopped ${n} cluster(s)` : 'no lab cluster is running'); return 0; }
  if (o.cases[0] === 'list') {
    for (const c of CASES) console.log(`${c.name.padEnd(34)} ${c.kind}`);
    console.log(`\nFlink versions: ${VERSIONS.join(', ')} (default ${NEWEST})`);
    return 0;
  }
  const cases = o.all ? CASES : o.cases.map((n) => findCase(n) ?? n);
  const unknown = cases.filter((c) => typeof c === 'string');
  if (unknown.length) { console.error(`lab: unknown case ${unknown.join(', ')} (npm run lab -- list)`); return 2; }
  const versions = o.versions.length ? o.versions : o.all ? VERSIONS : [NEWEST];
  if (o.keep && cases.length * versions.length > 1) { console.error('lab: --keep takes one case on one version'); return 2; }
  const results = [];
  for (const v of versions) {
    for (const c of cases) {
      try {
        const r = await runCase(c, v, { port: o.port || (await freePort()), keep: o.keep, rest: o.rest === true, captures: o.out });
        results.push({ c: c.name, v, ok: r.problems.length === 0, note: r.problems.join('; ') });
      } catch (e) {
        console.error(`  ${c.name} on ${v}: ${e.message}`);
        results.push({ c: c.name, v, ok: false, note: e.message.split('\n')[0] });
      }
    }
  }
  if (results.length > 1) {
    console.log('\nsummary:');
    for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.c} ${r.v}${r.ok ? '' : `: ${r.note}`}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(`lab: ${e.stack ?? e}`); process.exit(1); });

// What the lab compiles on this machine (never committed): the job jars, with javac against the
// distribution's own lib/*, and the LD_PRELOAD library that makes hard links fail.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './dist.mjs';
import { run } from './proc.mjs';

const LAB = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Compiles lab/jobs into <cache>/jobs/<version>/lab-job.jar and lab-extra.jar (when sources changed). */
export async function buildJobs(home, version) {
  const out = join(cacheRoot(), 'jobs', version);
  const jobJar = join(out, 'lab-job.jar');
  const extraJar = join(out, 'lab-extra.jar');
  const src = join(LAB, 'jobs');
  if (existsSync(jobJar) && existsSync(extraJar) && statSync(jobJar).mtimeMs > newest(src)) return { jobJar, extraJar };
  rmSync(out, { recursive: true, force: true });
  const classes = join(out, 'classes');
  const extraClasses = join(out, 'extra-classes');
  mkdirSync(classes, { recursive: true });
  mkdirSync(extraClasses, { recursive: true });
  const cp = readdirSync(join(home, 'lib')).filter((f) => f.endsWith('.jar')).map((f) => join(home, 'lib', f)).join(':');
  const javac = async (dest, files) => {
    const r = await run('javac', ['-nowarn', '-encoding', 'UTF-8', '--release', '11', '-cp', cp, '-d', dest, ...files], { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`javac failed for Flink ${version}:\n${r.stderr || r.stdout}`);
  };
  await javac(classes, readdirSync(src).filter((f) => f.endsWith('.java')).map((f) => join(src, f)));
  await javac(extraClasses, readdirSync(join(src, 'extra')).filter((f) => f.endsWith('.java')).map((f) => join(src, 'extra', f)));
  for (const [jar, dir] of [[jobJar, classes], [extraJar, extraClasses]]) {
    const r = await run('jar', ['cf', jar, '-C', dir, '.'], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`jar failed: ${r.stderr}`);
  }
  return { jobJar, extraJar };
}

/** Builds the link()/linkat() shim with the machine's C compiler into <cache>/linkshim.so. */
export async function buildShim() {
  const so = join(cacheRoot(), 'linkshim.so');
  const src = join(LAB, 'lib', 'linkshim.c');
  if (existsSync(so) && statSync(so).mtimeMs > statSync(src).mtimeMs) return so;
  mkdirSync(cacheRoot(), { recursive: true });
  const cc = process.env.CC || 'cc';
  const r = await run(cc, ['-shared', '-fPIC', '-O2', '-o', so, src, '-ldl'], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`could not build the link shim with ${cc}: ${r.stderr}`);
  return so;
}

// Flink distributions for the lab: PyPI's apache-flink-libraries source distribution carries a
// whole Flink distribution under deps/ (lib/, opt/, plugins/, bin/bash-java-utils.jar). It is
// downloaded with pip once and unpacked into ~/.cache/flink-doctor-lab/<version>.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './proc.mjs';

/** Versions the lab knows to run on Java 17, newest first. */
export const VERSIONS = ['2.3.0', '1.20.3', '1.19.3'];
export const NEWEST = VERSIONS[0];

export function cacheRoot() {
  return process.env.FLINK_LAB_CACHE || join(homedir(), '.cache', 'flink-doctor-lab');
}

export function flinkHome(version) {
  return join(cacheRoot(), version);
}

function complete(home) {
  return existsSync(join(home, 'lib')) && existsSync(join(home, 'bin', 'bash-java-utils.jar'))
    && readdirSync(join(home, 'lib')).some((f) => /^flink-dist.*\.jar$/.test(f));
}

/** Returns the distribution's directory, downloading and unpacking it when it is not cached. */
export async function ensureDistribution(version, log = console.log) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Flink version: ${version}`);
  const home = flinkHome(version);
  if (complete(home)) return home;
  const sdistDir = join(cacheRoot(), 'sdist');
  mkdirSync(sdistDir, { recursive: true });
  let sdist = readdirSync(sdistDir).find((f) => f.endsWith(`-${version}.tar.gz`) && /^apache[-_]flink[-_]libraries/.test(f));
  if (!sdist) {
    log(`downloading apache-flink-libraries ${version} from PyPI (about 300 MB)…`);
    const pip = process.env.PIP || 'pip3';
    const r = await run(pip, ['download', '--no-deps', '--no-binary', ':all:', `apache-flink-libraries==${version}`, '-d', sdistDir], { timeoutMs: 1_200_000 });
    if (r.code !== 0) throw new Error(`pip download of apache-flink-libraries==${version} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    sdist = readdirSync(sdistDir).find((f) => f.endsWith(`-${version}.tar.gz`) && /^apache[-_]flink[-_]libraries/.test(f));
    if (!sdist) throw new Error(`pip left no apache-flink-libraries ${version} source distribution in ${sdistDir}`);
  }
  const tarball = join(sdistDir, sdist);
  const list = await run('tar', ['tzf', tarball], { timeoutMs: 300_000 });
  const top = list.stdout.split('\n')[0].split('/')[0];
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`unpacking ${sdist}…`);
  const x = await run('tar', ['xzf', tarball, '--strip-components=2', '-C', partial, `${top}/deps`], { timeoutMs: 600_000 });
  if (x.code !== 0) throw new Error(`could not unpack ${tarball}: ${x.stderr.trim()}`);
  rmSync(home, { recursive: true, force: true });
  renameSync(partial, home);
  if (!complete(home)) throw new Error(`${tarball} holds no Flink distribution under deps/`);
  return home;
}

/** The classpath bin/config.sh builds: every jar of lib/, flink-dist last. */
export function flinkClasspath(home) {
  const jars = readdirSync(join(home, 'lib')).filter((f) => f.endsWith('.jar')).sort();
  const dist = jars.filter((f) => f.startsWith('flink-dist'));
  return [...jars.filter((f) => !f.startsWith('flink-dist')), ...dist].map((f) => join(home, 'lib', f)).join(':');
}

export function majorOf(version) {
  return Number(version.split('.')[0]);
}

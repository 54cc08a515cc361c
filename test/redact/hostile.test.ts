// Redaction over the shapes that leaked (test/redact/corpus.log): hosts in YARN container ids,
// pods in working directories, host:port names, GKE and AKS node names, path-style bucket URLs,
// names in capitals, service-account key ids, and secrets in unknown-failure messages that the
// fingerprint cut into pieces. No original may appear in any format; --redact-map is created
// exclusively with mode 600 and never through a symbolic link.

import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';

const CORPUS = readFileSync(join(__dirname, 'corpus.log'), 'utf8');
/** Every value of the corpus that must not survive redaction. */
const SECRETS = [
  'hadoop01', 'hadoop07', 'hadoop08', 'orders-taskmanager-3-7', 'worker-17', 'worker-21', 'worker-22',
  'gke-acme-prod-default-pool-5e6f7a8b-q2w3', 'aks-agentpool7-31415926-vmss00000c', 'acme-secret-bucket',
  'NAMENODE01', 'ACME-CORP', '9c8b7a6d5e4f30211f2e3d4c5b6a79880a1b2c3d', 'flink-sa@acme-prod',
  'wJalrXUtnFEMI', 'bPxRfiCYzEXAMPLE', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'dBjftJeZ4CVPmB92K27uhbUJU1p1r',
];
/** Fragments of the secrets, as a fingerprint's masks leave them. */
const FRAGMENTS = ['MDENG', 'EXAMPLE', 'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'acme-prod-default', 'agentpool7'];

describe('redaction corpus', () => {
  it.each(['text', 'json', 'markdown', 'html'])('leaks nothing in %s', async (format) => {
    const d = tempDir();
    writeFileSync(join(d, 'flink-flink-taskexecutor-0-orders-taskmanager-3-7.log'), CORPUS);
    const r = await cli(['--redact', '-f', format, '--unknown', '10', '--fail-on', 'none', d]);
    expect(r.code).toBe(0);
    for (const s of [...SECRETS, ...FRAGMENTS]) {
      expect(r.stdout.includes(s), `${format} shows ${s}`).toBe(false);
      expect(r.stderr.includes(s), `${format} warns with ${s}`).toBe(false);
    }
    if (format === 'json') {
      const report = JSON.parse(r.stdout);
      // The masks of a fingerprint stay masks; they are not given pseudonyms.
      const messages = report.unknown.map((g: any) => g.message).join('\n');
      expect(messages).toMatch(/<host(?::port)?>|<n>/);
    }
  }, 60_000);

  it('gives one pseudonym to each name, and different names different ones', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'tm.log'), CORPUS);
    const map = join(d, 'map.txt');
    const r = await cli(['--redact-map', map, '-f', 'json', '--fail-on', 'none', d]);
    expect(r.code).toBe(0);
    const originals = readFileSync(map, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[1]);
    expect(originals.filter((o) => o === 'aks-agentpool7-31415926-vmss00000c')).toHaveLength(1);
    expect(originals.filter((o) => o && o.includes('aks-agentpool7') && o !== 'aks-agentpool7-31415926-vmss00000c')).toEqual([]);
    for (const h of ['worker-21', 'worker-22', 'hadoop07', 'hadoop08']) expect(originals).toContain(h);
  }, 60_000);
});

describe('--redact-map', () => {
  it('creates the map with mode 600', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'tm.log'), CORPUS);
    const map = join(d, 'map.txt');
    expect((await cli(['--redact-map', map, '--fail-on', 'none', d])).code).toBe(0);
    expect(statSync(map).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('refuses an existing file without --force, and replaces it (mode 600) with it', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'tm.log'), CORPUS);
    const map = join(d, 'map.txt');
    writeFileSync(map, 'mine\n', { mode: 0o644 });
    const refused = await cli(['--redact-map', map, '--fail-on', 'none', d]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--redact-map .*map\.txt: exists; add --force to replace it/);
    expect(refused.stdout).toBe('');
    expect(readFileSync(map, 'utf8')).toBe('mine\n');
    const forced = await cli(['--redact-map', map, '--force', '--fail-on', 'none', d]);
    expect(forced.code).toBe(0);
    expect(statSync(map).mode & 0o777).toBe(0o600);
    expect(readFileSync(map, 'utf8')).toMatch(/^# flink-doctor --redact mapping/);
  }, 60_000);

  it('never writes through a symbolic link, even with --force', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'tm.log'), CORPUS);
    const target = join(d, 'elsewhere.txt');
    writeFileSync(target, 'precious\n');
    const map = join(d, 'map.txt');
    symlinkSync(target, map);
    const dangling = join(d, 'dangling.txt');
    symlinkSync(join(d, 'not-there.txt'), dangling);
    for (const argv of [['--redact-map', map], ['--redact-map', map, '--force'], ['--redact-map', dangling, '--force']]) {
      const r = await cli([...argv, '--fail-on', 'none', d]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a symbolic link/);
    }
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(map).isSymbolicLink()).toBe(true);
    expect(existsSync(join(d, 'not-there.txt'))).toBe(false);
  }, 60_000);
});

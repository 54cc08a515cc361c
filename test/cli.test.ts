// The command line as users run it: flags, exit codes, stdin, output files, errors.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, jsonReport, tempDir } from './helpers.js';

const SEED_DIR = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
const HEALTHY = 'samples/rocksdb/rocksdb-hardlink-unsupported/near-miss-healthy-incremental.log';

describe('exit codes and basic flags', () => {
  it('exits 1 when a finding is at or above --fail-on, 0 otherwise', async () => {
    expect((await cli([SEED_DIR])).code).toBe(1);
    expect((await cli(['--fail-on', 'none', SEED_DIR])).code).toBe(0);
    expect((await cli([HEALTHY])).code).toBe(0);
  });

  it('`scan` is the same as the default command', async () => {
    const a = await jsonReport([SEED_DIR]);
    const b = await cli(['scan', '--format', 'json', SEED_DIR]);
    expect(JSON.parse(b.stdout).findings.map((f: any) => f.id)).toEqual(a.report.findings.map((f: any) => f.id));
  });

  it('prints a usage hint and exits 2 with no path and a terminal on stdin', async () => {
    const r = await cli([], { tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no input/);
    expect(r.stderr.split('\n').length).toBeLessThan(5);
  });

  it('an empty stdin is an error (exit 2) unless --allow-empty', async () => {
    const { code, report, stderr } = await jsonReport([], { stdin: '' });
    expect(code).toBe(2);
    expect(report.warnings).toEqual([{ source: '<stdin>', message: 'standard input was empty' }]);
    expect(stderr).toMatch(/warning: <stdin>: standard input was empty/);
    expect(stderr).toMatch(/nothing to diagnose: the input was empty \(--allow-empty accepts that\)/);
    const allowed = await jsonReport(['--allow-empty'], { stdin: '' });
    expect(allowed.code).toBe(0);
    const text = await cli([], { stdin: '' });
    expect(text.stdout).toContain('Nothing to diagnose: no log line was read.');
    expect(text.stdout).not.toContain('No known failure found.');
  });

  it('a missing path is a one-line warning; exit 2 when nothing could be read', async () => {
    const r = await cli(['/nonexistent/flink.log']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('flink-doctor: warning: /nonexistent/flink.log: cannot read: no such file or directory');
  });

  it('a bad file among good ones is a warning and the scan goes on', async () => {
    const { code, report } = await jsonReport(['/nonexistent/x.log', SEED_DIR]);
    expect(code).toBe(1);
    expect(report.findings[0].id).toBe('rocksdb-hardlink-unsupported');
    expect(report.warnings[0].source).toBe('/nonexistent/x.log');
  });

  it('an unreadable file is reported, not thrown', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const dir = tempDir();
    const f = join(dir, 'secret.log');
    writeFileSync(f, 'x');
    chmodSync(f, 0);
    const { report } = await jsonReport([f]);
    expect(report.warnings[0].message).toMatch(/permission denied/);
  });

  it('prints the version and help with examples', async () => {
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Examples:/);
    expect(h.stdout).toMatch(/kubectl logs tm-pod \| flink-doctor/);
  });

  it('rejects an unknown format with exit 2 and a one-line message', async () => {
    const r = await cli(['--format', 'xml', SEED_DIR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/xml/);
    expect(r.stderr).not.toMatch(/at .*\.ts:/);
  });

  it('rejects a bad --since time', async () => {
    const r = await cli(['--since', 'yesterday', SEED_DIR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since: 'yesterday' is not a time/);
  });
});

describe('output', () => {
  it('writes any format to a file with -o', async () => {
    const dir = tempDir();
    const out = join(dir, 'report.md');
    const r = await cli(['--format', 'markdown', '-o', out, SEED_DIR]);
    expect(r.stdout).toBe('');
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# flink-doctor report/);
    expect(md).toMatch(/\| 1 \| critical \| RocksDB cannot create hard links/);
    expect(md).toMatch(/<details><summary>Evidence<\/summary>/);
  });

  it('text output leads with the finding, the cause and the fix, without colour when not a TTY', async () => {
    const r = await cli([SEED_DIR]);
    const lines = r.stdout.split('\n');
    const title = lines.findIndex((l) => l.includes('RocksDB cannot create hard links'));
    const fix = lines.findIndex((l) => l.trim() === 'Fix:');
    const evidence = lines.findIndex((l) => l.trim() === 'Evidence:');
    expect(title).toBeGreaterThan(0);
    expect(fix).toBeGreaterThan(title);
    expect(evidence).toBeGreaterThan(fix);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('--since and --until limit the time window', async () => {
    const early = await jsonReport(['--until', '2024-03-11 09:16:20', SEED_DIR]);
    expect(early.report.findings[0].checkpoints).toEqual([7]);
    const none = await jsonReport(['--since', '2024-03-12', SEED_DIR]);
    // Only the configuration check remains: configuration files carry no time.
    expect(none.report.findings.map((f: any) => f.id)).toEqual(['rocksdb-localdir-on-shared-fs']);
  });

  it('mutes findings listed in an ignore file but still lists them', async () => {
    const dir = tempDir();
    const ig = join(dir, 'ignore');
    writeFileSync(ig, '# known\nrocksdb-hardlink-unsupported KeyedProcess\n');
    const { code, report } = await jsonReport(['--ignore', ig, SEED_DIR]);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.muted.map((f: any) => f.id)).toEqual(['rocksdb-hardlink-unsupported']);
    const text = await cli(['--ignore', ig, SEED_DIR]);
    expect(text.stdout).toMatch(/Muted by ignore rules \(1\): rocksdb-hardlink-unsupported/);
  });
});

describe('patterns command', () => {
  it('lists pattern ids as JSON', async () => {
    const r = await cli(['patterns', 'list', '--format', 'json']);
    const ids = JSON.parse(r.stdout).map((p: any) => p.id);
    expect(ids).toContain('rocksdb-hardlink-unsupported');
    expect(ids).toContain('rocksdb-localdir-on-shared-fs');
  });
  it('shows one pattern and fails clearly for an unknown id', async () => {
    const r = await cli(['patterns', 'show', 'rocksdb-hardlink-unsupported']);
    expect(r.stdout).toMatch(/literals: "while link file to "/);
    const bad = await cli(['patterns', 'show', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no pattern 'nope'/);
  });
});

describe('built binary (as installed by npm ci)', () => {
  const bin = 'bin/flink-doctor.js';
  it.skipIf(!existsSync('dist/cli/bundle.js'))('runs the README diagnosis command on a shipped sample', () => {
    const r = spawnSync(process.execPath, [bin, SEED_DIR], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/RocksDB cannot create hard links/);
  });
  it.skipIf(!existsSync('dist/cli/bundle.js'))('reads standard input redirected from a file, and from a pipe, alike', () => {
    const tm = `${SEED_DIR}/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log`;
    const fromFile = execFileSync('bash', ['-c', `node ${bin} -q -f json - < ${tm}; true`], { encoding: 'utf8' });
    const fromPipe = execFileSync('bash', ['-c', `cat ${tm} | node ${bin} -q -f json -; true`], { encoding: 'utf8' });
    const summary = (json: string): unknown => {
      const r = JSON.parse(json);
      return { findings: r.findings.map((f: any) => [f.id, f.checkpoints, f.evidence.map((e: any) => e.line)]), lines: r.stats.lines, bytes: r.stats.bytes };
    };
    expect(summary(fromFile)).toEqual(summary(fromPipe));
    expect((summary(fromFile) as any).findings[0][0]).toBe('rocksdb-hardlink-unsupported');
  });
  it.skipIf(!existsSync('dist/cli/bundle.js'))('starts its worker threads from the start-up bundle', () => {
    // Two files of 36 MiB: enough input for --workers to start a worker (64 MiB in all).
    const dir = tempDir();
    const tm = readFileSync(`${SEED_DIR}/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log`, 'utf8');
    const noise = '2024-03-11 09:10:00,000 INFO  org.example.Job [] - ' + 'x'.repeat(200) + '\n';
    const body = noise.repeat(Math.ceil((36 << 20) / noise.length));
    writeFileSync(join(dir, 'a.log'), body + tm);
    writeFileSync(join(dir, 'b.log'), tm + body);
    const run = (extra: string[]): any => JSON.parse(spawnSync(process.execPath, [bin, '-q', '-f', 'json', ...extra, dir], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);
    const [serial, parallel] = [run([]), run(['--workers', '2'])];
    const findings = (r: any): unknown => r.findings.map((f: any) => [f.id, f.occurrences, f.evidence.map((e: any) => [e.source, e.line])]);
    expect(findings(parallel)).toEqual(findings(serial));
    expect(parallel.findings[0].id).toBe('rocksdb-hardlink-unsupported');
    expect(parallel.stats.bytes).toBe(serial.stats.bytes);
    expect([serial.stats.threads, parallel.stats.threads]).toEqual([1, 2]);
  }, 60_000);
  it.skipIf(!existsSync('dist/cli/bundle.js'))('ends quietly on a closed pipe', () => {
    const out = execFileSync('bash', ['-c', `node ${bin} ${SEED_DIR} | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(out).toMatch(/status=(0|1)/);
    expect(out).not.toMatch(/EPIPE|Error/);
  });
});

describe('interruption', () => {
  it.skipIf(!existsSync('dist/cli/bundle.js'))('Ctrl-C prints the partial report, marked interrupted, and exits 130', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/flink-doctor.js', '--format', 'json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.write(readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-pasted-bare-trace.txt'));
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    const report = JSON.parse(out);
    expect(report.interrupted).toBe(true);
    expect(report.findings.map((f: any) => f.id)).toContain('rocksdb-hardlink-unsupported');
  });
});

describe('progress', () => {
  it('reports bytes done of the total and files done', async () => {
    const { diagnosePaths } = await import('../src/diagnose.js');
    const { statSync } = await import('node:fs');
    const file = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log';
    const seen: { bytesDone: number; bytesTotal: number; filesDone: number; filesTotal: number }[] = [];
    await diagnosePaths([file, HEALTHY], { onProgress: (p) => seen.push(p) });
    const total = statSync(file).size + statSync(HEALTHY).size;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((p) => p.bytesTotal === total && p.filesTotal === 2)).toBe(true);
    expect(seen[seen.length - 1]).toMatchObject({ bytesDone: total, filesDone: 2 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
  });
});

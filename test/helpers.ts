// Test helpers: run the CLI in-process with captured streams, and temporary directories.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { run } from '../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs flink-doctor with argv; `stdin` is piped in (a TTY when `tty` is set). */
export async function cli(argv: string[], opts: { stdin?: string | Buffer; tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as Readable & { isTTY?: boolean };
  if (opts.tty) stdin.isTTY = true;
  const code = await run(argv, { stdout: out, stderr: err, stdin, env: opts.env ?? {} });
  return { code, stdout, stderr };
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flink-doctor-test-'));
}

/** Runs the CLI with --format json and parses the report. */
export async function jsonReport(argv: string[], opts: { stdin?: string | Buffer } = {}): Promise<{ code: number; report: any; stderr: string }> {
  const r = await cli(['--format', 'json', ...argv], opts);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

// Report content in every format: the environment header (version, deployment mode, JM/TM
// sources, time range, skipped inputs), findings, the checkpoint timeline, muted findings and
// warnings; and the `timeline` subcommand.

import { readFileSync, writeFileSync } from 'node:fs';
import { diagnosePaths } from '../../src/diagnose.js';
import { jsonParts, renderJson } from '../../src/report/json.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { JOB, SAMPLE, SAMPLE_JOB, secretsDir } from './fixtures.js';

describe('report content', () => {
  it('text: header, findings, then the timeline after the findings', async () => {
    const r = await cli(['--fail-on', 'none', SAMPLE]);
    expect(r.stdout).toMatch(/Flink version:\s+1\.17\.2/);
    expect(r.stdout).toMatch(/Deployment:\s+Kubernetes \(from /);
    // Paths relative to their common directory, which is named once.
    expect(r.stdout).toMatch(/Files under:\s+samples\/rocksdb\/rocksdb-hardlink-unsupported\/positive-1\.17-azure-files\/\n/);
    expect(r.stdout).toMatch(/JobManager logs:\s+flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q\.log/);
    // One TaskManager, named by its pod with its IP, not listed twice.
    expect(r.stdout).toMatch(/TaskManager logs:\s+\S+taskmanager-1-1\.log \[orders-taskmanager-1-1 \(10\.42\.1\.17\)\]/);
    // What the logs cover: the first and last line of each file, not only the findings' times.
    expect(r.stdout).toMatch(/Logs cover:\s+2024-03-11T09:11:30\.001 → 09:16:41\.950 \(5 min 12 s\)\n\s+flink-kubernetes-session-0-\S+\.log: 2024-03-11T09:11:30\.001 → 09:16:41\.950 \(5 min 12 s\)\n\s+flink-kubernetes-taskmanager-0-\S+\.log: 2024-03-11T09:12:01\.101 → 09:16:40\.925 \(4 min 40 s\)/);
    const finding = r.stdout.indexOf('rocksdb-hardlink-unsupported');
    const timeline = r.stdout.indexOf('Checkpoint timeline');
    expect(finding).toBeGreaterThan(0);
    expect(timeline).toBeGreaterThan(finding);
    expect(r.stdout).toContain('5 checkpoints: 3 completed, 2 aborted; 2 restarts');
    expect(r.stdout).toContain('checkpoints 2–4 not in the log');
    expect(r.stdout).toMatch(/09:16:10\.700 ✗ checkpoint 7 aborted\s+160 ms/);
    expect(r.stdout).toMatch(/09:16:10\.852 ↻ job RUNNING → RESTARTING/);
  });

  it('timeline subcommand prints only the timeline, in text, markdown or json', async () => {
    const r = await cli(['timeline', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('Checkpoint timeline')).toBe(true);
    expect(r.stdout).not.toContain('RocksDB cannot create hard links');
    expect(r.stdout).toContain(`orders-enrichment (${SAMPLE_JOB})`);
    const md = await cli(['timeline', '-f', 'markdown', SAMPLE]);
    expect(md.stdout).toContain('| Time | | Event | Duration | Size | Detail |');
    expect(md.stdout).toContain('**checkpoint 7 aborted**');
    const js = JSON.parse((await cli(['timeline', '-f', 'json', SAMPLE])).stdout);
    expect(js.checkpoints.map((c: any) => c.id)).toEqual([1, 5, 6, 7, 8]);
  });

  it('json: indented, one line per row of the checkpoint timeline and of the job state changes', async () => {
    const r = await cli(['-f', 'json', SAMPLE]);
    const doc = JSON.parse(r.stdout);
    expect(doc.checkpoints.length).toBeGreaterThan(0);
    expect(doc.jobTransitions.length).toBeGreaterThan(0);
    const block = (name: string): unknown[] => {
      const lines = r.stdout.split('\n');
      const start = lines.indexOf(`  "${name}": [`);
      const end = lines.indexOf('  ],', start);
      return lines.slice(start + 1, end).map((l) => JSON.parse(l.trim().replace(/,$/, '')));
    };
    expect(block('checkpoints')).toEqual(doc.checkpoints);
    expect(block('jobTransitions')).toEqual(doc.jobTransitions);
    expect(r.stdout).toMatch(/^  "findings": \[$/m);
  });

  it('json: a long timeline is written in parts that make the same document, to stdout and to -o', async () => {
    const dir = tempDir();
    const log = join(dir, 'jobmanager.log');
    // Five jobs of 900 checkpoints: 4,500 rows (a job keeps its latest 1,000 checkpoints one by one).
    const jobs = ['a1', 'b2', 'c3', 'd4', 'e5'].map((p) => p + 'b2c3d4e5f60718293a4b5c6d7e8f90');
    const lines: string[] = [];
    for (let id = 1; id <= 4500; id++) {
      const t = new Date(Date.UTC(2024, 2, 11, 9, 0, 0) + id * 10_000).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
      lines.push(`${t} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint ${id} for job ${jobs[Math.floor((id - 1) / 900)]} (${1000 + id} bytes, checkpointDuration=${id % 90} ms, finalizationTime=0 ms).`);
    }
    writeFileSync(log, lines.join('\n') + '\n');
    const d = await diagnosePaths([log]);
    const parts = [...jsonParts(d)];
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.join('')).toBe(renderJson(d));
    const out = join(dir, 'report.json');
    const [toStdout, toFile] = [await cli(['-f', 'json', '-q', log]), await cli(['-f', 'json', '-q', '-o', out, log])];
    expect(toFile.stdout).toBe('');
    const fromStdout = JSON.parse(toStdout.stdout);
    const fromFile = JSON.parse(readFileSync(out, 'utf8'));
    expect(fromStdout.checkpoints.map((c: any) => c.id)).toEqual(lines.map((_, i) => i + 1));
    expect({ ...fromFile, stats: null }).toEqual({ ...fromStdout, stats: null });
    expect(toStdout.stdout.split('\n').filter((l) => l.startsWith('    {"job":'))).toHaveLength(4500);
  });

  it('muted findings and warnings appear in every format', async () => {
    const dir = secretsDir();
    const ignore = join(tempDir(), 'ignore');
    writeFileSync(ignore, 'checkpoint-expired\n');
    for (const format of ['text', 'json', 'markdown', 'html']) {
      const r = await cli(['-f', format, '--ignore', ignore, '--fail-on', 'none', '-q', dir]);
      expect(r.stdout, format).toContain('checkpoint-expired');
      expect(r.stdout, format).toContain('empty.log');
      expect(r.stdout, format).toContain('file is empty');
      if (format !== 'json') {
        expect(r.stdout, format).toMatch(/muted/i);
        expect(r.stdout, format).toContain(JOB);
      }
    }
  });

  it('markdown: environment table, findings, timeline table per job with failed rows in bold', async () => {
    const r = await cli(['-f', 'markdown', '--fail-on', 'none', secretsDir()]);
    expect(r.stdout).toMatch(/\| \*\*Deployment\*\* \| (Kubernetes|standalone)/);
    expect(r.stdout).toContain('| **Flink version** | 1.17.2, 1.18.1 |');
    expect(r.stdout).toContain('<details><summary>Evidence</summary>');
    expect(r.stdout).toContain('## Checkpoint timeline');
    expect(r.stdout).toContain(`### Job ingest kafka-1.prod.acme-corp.com:9092`);
    expect(r.stdout).toContain('**checkpoint 2 failed**');
    expect(r.stdout).toContain('**checkpoint 3 expired**');
    expect(r.stdout).toContain('**job RESTARTING → FAILED**');
  });

  it('html: self-contained, no script and no external resource', async () => {
    const r = await cli(['-f', 'html', '--fail-on', 'none', SAMPLE]);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(r.stdout).toContain('class="cp cp-failed" data-state="aborted" data-checkpoint="7"');
  });
});

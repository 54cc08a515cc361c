// Report content in every format: the environment header (version, deployment mode, JM/TM
// sources, time range, skipped inputs), findings, the checkpoint timeline, muted findings and
// warnings; and the `timeline` subcommand.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { JOB, SAMPLE, SAMPLE_JOB, secretsDir } from './fixtures.js';

describe('report content', () => {
  it('text: header, findings, then the timeline after the findings', async () => {
    const r = await cli(['--fail-on', 'none', SAMPLE]);
    expect(r.stdout).toMatch(/Flink version:\s+1\.17\.2/);
    expect(r.stdout).toMatch(/Deployment:\s+Kubernetes \(from /);
    expect(r.stdout).toMatch(/JobManager logs:\s+\S+flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q\.log/);
    expect(r.stdout).toMatch(/TaskManager logs:\s+\S+taskmanager-1-1\.log \[10\.42\.1\.17, orders-taskmanager-1-1\]/);
    expect(r.stdout).toMatch(/Time range:\s+2024-03-11T09:13:09\.500 → 2024-03-11T09:16:41\.950/);
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

  it('json: indented, one line per checkpoint of the timeline', async () => {
    const r = await cli(['-f', 'json', SAMPLE]);
    const doc = JSON.parse(r.stdout);
    expect(doc.checkpoints.length).toBeGreaterThan(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('    {"job":'));
    expect(rows.map((l) => JSON.parse(l.trim().replace(/,$/, '')))).toEqual(doc.checkpoints);
    expect(r.stdout).toMatch(/^  "findings": \[$/m);
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

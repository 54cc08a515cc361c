// What an operator reads first, in every format: the decisive error text whole, what the logs
// cover, one name per host, kubectl --prefix input, no false green, noise demoted, follow mode on
// a pipe, the fix with its configuration change and working verification, Jira output, user
// errors in one line.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, jsonReport, tempDir } from '../helpers.js';
import { shortPaths } from '../../src/report/common.js';
import { causeText, elide, textBlocks } from '../../src/report/prose.js';
import { mergeHosts } from '../../src/hosts.js';
import { formatConfigChange, type SourceInfo } from '../../src/model.js';
import { writeDir } from '../unknown/fixtures.js';
import { diagnosePaths } from '../../src/diagnose.js';

const SEED = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
const TM = `${SEED}/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log`;
const JM = `${SEED}/flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log`;
const UNSTABLE = 'samples/job/job-unstable-unknown-cause';

describe('the decisive error text is never cut off', () => {
  const line =
    'Caused by: org.rocksdb.RocksDBException: while link file to /mnt/checkpoints/job/job_4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a_op_KeyedProcessOperator_0a8b2c4d6e8f0a1b3c5d7e9f1a2b4c6d__1_2__uuid_6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/chk-7.tmp/000022.sst: /mnt/checkpoints/job/job_4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a_op_KeyedProcessOperator_0a8b2c4d6e8f0a1b3c5d7e9f1a2b4c6d__1_2__uuid_6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/db/000022.sst: Operation not supported';

  it('elides the middle of long paths and ids, keeping the start, the exception class and the end', () => {
    for (const max of [120, 160, 200]) {
      const e = elide(line, max);
      expect(e.length).toBeLessThanOrEqual(max);
      expect(e.startsWith('Caused by: org.rocksdb.RocksDBException')).toBe(true);
      expect(e.endsWith('Operation not supported')).toBe(true);
    }
    expect(elide(line, 200)).toBe('Caused by: org.rocksdb.RocksDBException: while link file to /mnt/checkpoints/…/chk-7.tmp/000022.sst: /mnt/checkpoints/…/db/000022.sst: Operation not supported');
    expect(elide('short line', 200)).toBe('short line');
  });

  for (const format of ['text', 'markdown', 'html', 'jira']) {
    it(`${format}: every evidence line of the seed sample ends with the errno text`, async () => {
      const r = await cli(['-f', format, '--fail-on', 'none', SEED]);
      const evidence = r.stdout.split('\n').filter((l) => l.includes('RocksDBException: while link file to'));
      expect(evidence.length).toBeGreaterThanOrEqual(3);
      for (const l of evidence) expect(l.replace(/<\/pre>.*$/, '')).toMatch(/Operation not supported$/);
    }, 30_000);
  }
});

describe('what the logs cover', () => {
  it('--since/--until show the window, and each source its own first and last time', async () => {
    const { report } = await jsonReport(['--since', '2024-03-11 09:14', '--until', '2024-03-11 09:16:20', SEED]);
    expect(report.coverage.window).toEqual({ since: '2024-03-11T09:14:00.000', until: '2024-03-11T09:16:20.000' });
    expect(report.coverage.sources.map((s: any) => [s.source.split('/').pop(), s.first, s.last, s.from])).toEqual([
      ['flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log', '2024-03-11T09:11:30.001', '2024-03-11T09:16:41.950', 'file'],
      ['flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', '2024-03-11T09:12:01.101', '2024-03-11T09:16:40.925', 'file'],
    ]);
    const text = await cli(['--since', '2024-03-11 09:14', '--fail-on', 'none', SEED]);
    expect(text.stdout).toMatch(/Window:\s+2024-03-11T09:14:00\.000 → end/);
  }, 30_000);

  it('says when a TaskManager clock is behind the JobManager (it failed checkpoint N before N was triggered)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flink-conf.yaml'), readFileSync(`${SEED}/flink-conf.yaml`));
    writeFileSync(join(dir, 'jm.log'), readFileSync(JM));
    // The TaskManager's clock 40 s behind: its lines read 09:15:30 for what happened at 09:16:10.
    const shifted = readFileSync(TM, 'utf8').replace(/^2024-03-11 09:(\d\d):(\d\d)/gm, (_all, m: string, s: string) => {
      const t = +m * 60 + +s - 40;
      return `2024-03-11 09:${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    });
    writeFileSync(join(dir, 'flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log'), shifted);
    const { report } = await jsonReport(['--fail-on', 'none', dir]);
    expect(report.coverage.clockSkew).toHaveLength(1);
    expect(report.coverage.clockSkew[0]).toMatchObject({ checkpoint: 7, triggeredAt: '2024-03-11T09:16:10.700' });
    expect(report.coverage.clockSkew[0].behindMs).toBeGreaterThan(35_000);
    const text = await cli(['--fail-on', 'none', dir]);
    expect(text.stdout).toMatch(/Clocks:\s+flink-kubernetes-taskmanager-0-orders-taskmanager-1-1\.log runs about \d+ s behind jm\.log: it failed checkpoint 7 at 2024-03-11T09:15:30\.\d+, before the JobManager triggered it at 2024-03-11T09:16:10\.700/);
    // Healthy clocks: no such line.
    expect((await cli(['--fail-on', 'none', SEED])).stdout).not.toContain('Clocks:');
  }, 30_000);
});

describe('hosts', () => {
  it('merges the names one TaskManager goes by (pod, IP, resource id) into one host', () => {
    const src = { name: 'tm.log', kind: 'log', hosts: ['10.42.1.17', 'orders-taskmanager-1-1'], resourceIds: ['10.42.1.17:6122-a1b2c3'] } as SourceInfo;
    expect(mergeHosts(['10.42.1.17', 'orders-taskmanager-1-1'], [src]).map((h) => h.label)).toEqual(['orders-taskmanager-1-1 (10.42.1.17)']);
    // Two processes stay two hosts.
    const other = { name: 'tm2.log', kind: 'log', hosts: ['10.42.1.18', 'orders-taskmanager-1-2'], resourceIds: [] as string[] } as SourceInfo;
    expect(mergeHosts(['10.42.1.17', '10.42.1.18', 'orders-taskmanager-1-1', 'orders-taskmanager-1-2'], [src, other]).map((h) => h.name)).toEqual(['orders-taskmanager-1-1', 'orders-taskmanager-1-2']);
  });

  it('the seed finding lists its TaskManager once', async () => {
    const r = await cli(['--fail-on', 'none', SEED]);
    expect(r.stdout).toContain('• Hosts: orders-taskmanager-1-1 (10.42.1.17).');
  }, 30_000);

  it('reads the pod of `kubectl logs --prefix` lines: Kubernetes, the pod as host, the role from it', async () => {
    const prefixed = (file: string, pod: string): string =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => (l ? `[pod/${pod}/flink-main-container] ${l}` : l))
        .join('\n');
    const stdin = prefixed(TM, 'orders-taskmanager-1-1') + prefixed(JM, 'orders-jobmanager-7d9f8-x2k4q');
    const { report } = await jsonReport(['--fail-on', 'none'], { stdin });
    expect(report.inputs[0].hosts).toEqual(expect.arrayContaining(['orders-taskmanager-1-1', 'orders-jobmanager-7d9f8-x2k4q']));
    const text = await cli(['--fail-on', 'none'], { stdin });
    expect(text.stdout).toMatch(/Deployment:\s+Kubernetes \(from .*pod orders-/);
    expect(text.stdout).not.toContain('not determined');
    // One pod's stream alone: its role comes from the pod name.
    const tm = await jsonReport(['--fail-on', 'none'], { stdin: prefixed(TM, 'orders-taskmanager-1-1').replace(/^.*GlobalConfiguration.*$/gm, '') });
    expect(tm.report.inputs[0].role).toBe('taskmanager');
    // A Flink operator's JobManager pod (a Deployment's pod, no role in its name) is a Kubernetes sign too.
    const op = await cli(['--fail-on', 'none'], { stdin: prefixed(JM, 'basic-example-5c9d7f8b4d-x2k4q') });
    expect(op.stdout).toMatch(/Deployment:\s+Kubernetes \(from .*basic-example-5c9d7f8b4d-x2k4q/);
  }, 30_000);
});

describe('no false green', () => {
  it('a job that restarted with an error no pattern knows is a finding that fails the run', async () => {
    const r = await jsonReport([`${UNSTABLE}/positive-1.17-restarts-unknown-exception.log`]);
    expect(r.code).toBe(1);
    const f = r.report.findings[0];
    expect(f).toMatchObject({ id: 'job-unstable-unknown-cause', severity: 'error', jobs: ['7c1e5a9b3d2f4e6a8c0b1d3f5e7a9c2b'] });
    expect(f.summary).toMatch(/^Job payments-enrichment \(7c1e5a9b3d2f4e6a8c0b1d3f5e7a9c2b\) restarted 2× .*completed no checkpoint since checkpoint 1 .*Likely cause .*com\.acme\.payments\.GatewayRejectedException: gateway returned 503 for merchant 88121 \[fp-[0-9a-f]{10}\]/);
    expect((await cli(['--fail-on', 'critical', `${UNSTABLE}/positive-1.17-restarts-unknown-exception.log`])).code).toBe(0);
    const text = await cli([`${UNSTABLE}/positive-1.17-restarts-unknown-exception.log`]);
    expect(text.stdout).not.toContain('No known failure found');
  }, 30_000);

  it('a failed job is critical; a healthy or cancelled job is no finding', async () => {
    const failed = await jsonReport([`${UNSTABLE}/positive-1.18-job-failed.log`]);
    // The restart strategy that gave up says what happened; the job-unstable finding says why it is not known.
    expect(failed.report.findings.map((f: any) => [f.id, f.severity])).toEqual([['job-unstable-unknown-cause', 'critical'], ['restart-strategy-exhausted', 'error']]);
    const healthy = await jsonReport([`${UNSTABLE}/near-miss-healthy-then-canceled.log`]);
    expect(healthy.code).toBe(0);
    expect(healthy.report.findings).toEqual([]);
  }, 30_000);

  it('is not raised when a known failure explains the restarts', async () => {
    const { report } = await jsonReport([SEED]);
    expect(report.findings.map((f: any) => f.id)).toEqual(['rocksdb-hardlink-unsupported']);
  }, 30_000);

  it('is listed by `patterns list` with the other known failures', async () => {
    const r = await cli(['patterns', 'list']);
    expect(r.stdout).toMatch(/job-unstable-unknown-cause\s+error\s+The job is unstable and no known failure explains it/);
  });
});

describe('known background noise is data', () => {
  it("demotes Flink's 'Some exception while closing, ignoring' below a real failure", async () => {
    const at = (s: number): string => `2024-05-02 10:00:${String(s).padStart(2, '0')},000`;
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(`${at(i)} WARN  org.apache.flink.runtime.state.StateUtil [] - Some exception while closing, ignoring`, 'java.io.IOException: Stream closed.', '\tat org.apache.flink.core.fs.FSDataOutputStream.close(FSDataOutputStream.java:120)');
    lines.push(`${at(30)} ERROR com.acme.Enricher [] - enrichment failed`, 'com.acme.EnrichmentException: lookup table missing', '\tat com.acme.Enricher.run(Enricher.java:12)', '');
    const d = await diagnosePaths([writeDir({ 'tm.log': lines.join('\n') })]);
    const closing = d.unknown.find((g) => g.message.includes('Some exception while closing') || g.sample.text.join(' ').includes('Some exception while closing'))!;
    expect(closing.benign).toBe(true);
    expect(closing.reasons).toContain('known background noise (exception while closing, ignored)');
    expect(d.unknown[0]!.exception).toBe('com.acme.EnrichmentException');
  });

  // A routine ERROR/WARN of Flink's own, alone in a log: its one group is known background noise.
  const routine: [string, string, string[]][] = [
    [
      "expected exception of Flink's own bookkeeping",
      'tm.log',
      [
        '2024-05-02 10:00:01,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Close JobManager connection for job 8e4ecfe26ee56bb0bb7a688fe4ffa584.',
        'org.apache.flink.util.FlinkExpectedException: TaskExecutor pekko.tcp://flink@10.100.1.233:34565/user/rpc/taskmanager_0 has no more allocated slots for job 8e4ecfe26ee56bb0bb7a688fe4ffa584.',
        '\tat org.apache.flink.runtime.taskexecutor.TaskExecutor.closeJobManagerConnectionIfNoAllocatedResources(TaskExecutor.java:2056)',
      ],
    ],
    [
      'REST request for a job that is still initializing',
      'jm.log',
      [
        '2024-05-02 10:00:01,000 ERROR org.apache.flink.runtime.rest.handler.job.JobExceptionsHandler [] - Unhandled exception.',
        'org.apache.flink.runtime.dispatcher.UnavailableDispatcherOperationException: Unable to get JobMasterGateway for initializing job. The requested operation is not available while the JobManager is initializing.',
        '\tat org.apache.flink.runtime.dispatcher.Dispatcher.getJobMasterGateway(Dispatcher.java:1413)',
      ],
    ],
  ];
  for (const [label, file, lines] of routine) {
    it(`demotes ${label}`, async () => {
      const d = await diagnosePaths([writeDir({ [file]: lines.join('\n') })]);
      expect(d.unknown).toHaveLength(1);
      expect(d.unknown[0]!.benign).toBe(true);
      expect(d.unknown[0]!.reasons).toContain(`known background noise (${label})`);
    });
  }

  it('the list lives in patterns/noise.yaml, not among the patterns', () => {
    const text = readFileSync('patterns/noise.yaml', 'utf8');
    expect(text).toContain("match: 'Some exception while closing, ignoring'");
    expect(readFileSync('src/unknown/groups.ts', 'utf8')).not.toMatch(/Unable to load native-hadoop library/);
  });
});

describe('follow mode', () => {
  it('ends at the end of standard input and prints the same finding body as a scan, then a summary', async () => {
    const started = Date.now();
    const r = await cli(['-F', '--follow-interval', '50'], { stdin: readFileSync(TM) });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Fix:');
    expect(r.stdout).toMatch(/state\.backend\.rocksdb\.localdir: \/tmp\/flink-rocksdb\s+# change: a local disk of each TaskManager/);
    expect(r.stdout).toContain('never the durable copy.');
    expect(r.stdout).toMatch(/Summary: 1 finding\n\s+CRITICAL\s+RocksDB cannot create hard links/);
    const json = await cli(['-F', '-f', 'json', '--follow-interval', '50'], { stdin: readFileSync(TM) });
    const last = JSON.parse(json.stdout.trim().split('\n').pop()!);
    expect(last.type).toBe('summary');
    expect(last.findings[0].configChange[1]).toMatchObject({ key: 'state.backend.rocksdb.localdir', action: 'change' });
  }, 30_000);
});

describe('the fix', () => {
  it('carries its configuration change as structured lines, rendered aligned', async () => {
    const { report } = await jsonReport([SEED]);
    const f = report.findings[0];
    expect(f.configChange).toEqual([
      { key: 'state.checkpoints.dir', value: 'file:///mnt/checkpoints', action: 'keep', note: 'the durable copy stays on the shared filesystem' },
      { key: 'state.backend.rocksdb.localdir', value: '/tmp/flink-rocksdb', action: 'change', note: 'a local disk of each TaskManager' },
    ]);
    const block = formatConfigChange(f.configChange).split('\n');
    expect(block[0]!.indexOf('#')).toBe(block[1]!.indexOf('#'));
    expect(f.remediation).toContain(block.join('\n'));
    expect(f.remediation.replace(/\s+/g, ' ')).toContain("RocksDB's local directory is a working copy, rebuilt from the last checkpoint, never the durable copy.");
  }, 30_000);

  it('markdown: the configuration change is its own yaml block; no raw config inside prose', async () => {
    const r = await cli(['-f', 'markdown', '--fail-on', 'none', SEED]);
    expect(r.stdout).toMatch(/\*\*Fix\*\*\n\n[^\n]*never the durable copy\.\n\n```yaml\nstate\.checkpoints\.dir: file:\/\/\/mnt\/checkpoints\s+# keep: [^\n]+\nstate\.backend\.rocksdb\.localdir: \/tmp\/flink-rocksdb\s+# change: [^\n]+\n```/);
  }, 30_000);

  it('verify commands work as pasted: mkdir -p first, probe files removed, a kubectl exec form', async () => {
    const { report } = await jsonReport([SEED]);
    const code = textBlocks(report.findings[0].verify).filter((b) => b.kind === 'code').map((b) => b.text);
    expect(code).toHaveLength(2);
    expect(code[0]).toMatch(/^d=\/tmp\/flink-rocksdb; mkdir -p "\$d" && .*ln "\$d\/probe" "\$d\/probe\.link" .*; rm -f "\$d\/probe" "\$d\/probe\.link"$/);
    expect(code[1]).toMatch(/^kubectl exec <taskmanager-pod> -- sh -c '.*'$/);
    // Run the host form here, in a fresh directory: it succeeds and leaves only the directory.
    const dir = join(tempDir(), 'new', 'rocksdb');
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('sh', ['-c', code[0]!.replace('d=/tmp/flink-rocksdb', `d=${dir}`)], { encoding: 'utf8' });
    expect(out).toContain('hard links work');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});

describe('the first screen', () => {
  it('text: title, cause, fix and impact fit in 24 lines; the details follow', async () => {
    const r = await cli(['--fail-on', 'none', SEED]);
    const lines = r.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('1. '));
    const details = lines.findIndex((l, i) => i > start && l.includes('── details ──'));
    expect(details - start).toBeLessThanOrEqual(24);
    const first = lines.slice(start, details).join('\n');
    for (const part of ['Fix:', 'Impact:', 'state.backend.rocksdb.localdir: /tmp/flink-rocksdb']) expect(first).toContain(part);
    // Prose wraps at 100 columns (the configuration lines and commands stay whole).
    for (const l of lines.slice(start, details)) if (!/# (keep|change)/.test(l)) expect(l.length, l).toBeLessThanOrEqual(110);
  }, 30_000);

  it('Why does not repeat an Impact line word for word', async () => {
    const { report } = await jsonReport([SEED]);
    const f = report.findings[0];
    const statement = f.impact.find((i: string) => i.startsWith("RocksDB's local directory /mnt/checkpoints/job"));
    expect(statement).toBeDefined();
    expect(f.cause.replace(/\s+/g, ' ')).toContain(statement);
    expect(causeText(f).replace(/\s+/g, ' ')).not.toContain(statement);
    const text = await cli(['--fail-on', 'none', SEED]);
    const why = text.stdout.slice(text.stdout.indexOf('   Why:'));
    expect(why.replace(/\s+/g, ' ')).not.toContain(statement);
  }, 30_000);
});

describe('jira', () => {
  it('--format jira: wiki markup, no HTML, the configuration change in {code:yaml}, table paths short', async () => {
    const r = await cli(['-f', 'jira', '--fail-on', 'none', SEED]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/<details|<summary|<br>/);
    expect(r.stdout).toMatch(/^h1\. flink-doctor report/);
    expect(r.stdout).toMatch(/\|\|Files under\|samples\/rocksdb\/rocksdb-hardlink-unsupported\/positive-1\.17-azure-files\/\|/);
    expect(r.stdout).toMatch(/\{code:yaml\}\nstate\.checkpoints\.dir: file:\/\/\/mnt\/checkpoints\s+# keep/);
    expect(r.stdout).toContain('|{{state.backend.rocksdb.localdir}}|{{/mnt/checkpoints/job}}|flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log:7|');
    expect(r.stdout).toContain('||Key||Value||Where||');
    // The evidence line keeps the full path.
    expect(r.stdout).toContain(`{{${TM}:19}}`);
  }, 30_000);

  it('shortens paths relative to their common directory', () => {
    const p = shortPaths(['/var/log/flink/bundle/jm.log', '/var/log/flink/bundle/tm/tm-1.log']);
    expect(p.prefix).toBe('/var/log/flink/bundle/');
    expect(p.short('/var/log/flink/bundle/tm/tm-1.log')).toBe('tm/tm-1.log');
    expect(shortPaths(['jm.log', 'tm.log']).prefix).toBe('');
  });
});

describe('user errors', () => {
  it('a missing --ignore file is one line and exit 2', async () => {
    const r = await cli(['--ignore', '/nonexistent/ignore', SEED]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('flink-doctor: /nonexistent/ignore: cannot read ignore file: ENOENT');
  });

  it('a bad regex in an ignore file is one line and exit 2, naming file and line', async () => {
    const f = join(tempDir(), 'ignore');
    writeFileSync(f, '# comment\nrocksdb-hardlink-unsupported ([a\n');
    const r = await cli(['--ignore', f, SEED]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^flink-doctor: ${f}:2: invalid regular expression: /\\(\\[a/: Unterminated character class`));
    expect(r.stderr).not.toMatch(/internal error|--debug/);
  });

  it('a misspelt pattern id in an ignore file is a warning with a suggestion', async () => {
    const f = join(tempDir(), 'ignore');
    writeFileSync(f, 'rocksdb-hardlink-unsuported\n');
    const r = await jsonReport(['--ignore', f, SEED]);
    expect(r.code).toBe(1);
    expect(r.report.warnings).toContainEqual({ source: `${f}:1`, message: "ignore rule names no known pattern id 'rocksdb-hardlink-unsuported'; it mutes nothing (did you mean rocksdb-hardlink-unsupported?)" });
    expect(r.stderr).toContain('warning:');
  }, 30_000);
});

describe('pattern prose: code lines and wrapped sentences', () => {
  it('a sentence wrapped before a `key: value` or a command word goes on as prose; code stands deeper, after a colon, or alone', () => {
    const text = [
      '1. Enable unaligned checkpoints, optionally with',
      '   execution.checkpointing.aligned-checkpoint-timeout: 30s; buffer debloating',
      '   shortens barrier travel time.',
      '2. Give the TaskManager more heap, e.g.:',
      '     taskmanager.memory.task.heap.size: 2g',
      '   or for the JobManager',
      '       jobmanager.memory.heap.size: 2g',
      '',
      'Set it in the configuration:',
      'state.backend.rocksdb.localdir: /tmp/rocksdb',
      '',
      'kubectl get pods',
      '',
      'On the TaskManager host, create and delete a file in the',
      'directory (touch <dir>/probe && rm <dir>/probe, or',
      'hdfs dfs -touchz … when it is HDFS).',
    ].join('\n');
    const blocks = textBlocks(text).map((b) => `${b.kind}: ${b.text}`);
    expect(blocks).toEqual([
      'item: Enable unaligned checkpoints, optionally with execution.checkpointing.aligned-checkpoint-timeout: 30s; buffer debloating shortens barrier travel time.',
      'item: Give the TaskManager more heap, e.g.:',
      'code: taskmanager.memory.task.heap.size: 2g',
      'prose: or for the JobManager',
      'code: jobmanager.memory.heap.size: 2g',
      'prose: Set it in the configuration:',
      'code: state.backend.rocksdb.localdir: /tmp/rocksdb',
      'code: kubectl get pods',
      'prose: On the TaskManager host, create and delete a file in the directory (touch <dir>/probe && rm <dir>/probe, or hdfs dfs -touchz … when it is HDFS).',
    ]);
  });

  it('keeps a SQL statement verbatim, and a sentence that starts with a SQL word as prose', () => {
    const text = [
      '1. Grant the account what the source needs:',
      "     GRANT SELECT, REPLICATION SLAVE ON *.* TO 'flinkuser'@'%';",
      '2. SHOW GRANTS lists what the account has;',
      '   check it.',
    ].join('\n');
    expect(textBlocks(text).map((b) => `${b.kind}: ${b.text}`)).toEqual([
      'item: Grant the account what the source needs:',
      "code: GRANT SELECT, REPLICATION SLAVE ON *.* TO 'flinkuser'@'%';",
      'item: SHOW GRANTS lists what the account has; check it.',
    ]);
  });

  it('keeps Java method chains and build-file elements verbatim, and a sentence wrapped before <dir> as prose', () => {
    const text = [
      'Give Flink the type right after the transformation:',
      '  .flatMap((String line, Collector<Tuple2<String, Integer>> out) -> { … })',
      '  .returns(Types.TUPLE(Types.STRING, Types.INT))',
      'or in the Maven build:',
      '  <maven.compiler.release>11</maven.compiler.release>',
      'Then create a file in the directory',
      '<dir>/probe to check it.',
    ].join('\n');
    expect(textBlocks(text).map((b) => `${b.kind}: ${b.text}`)).toEqual([
      'prose: Give Flink the type right after the transformation:',
      'code: .flatMap((String line, Collector<Tuple2<String, Integer>> out) -> { … })\n.returns(Types.TUPLE(Types.STRING, Types.INT))',
      'prose: or in the Maven build:',
      'code: <maven.compiler.release>11</maven.compiler.release>',
      'prose: Then create a file in the directory <dir>/probe to check it.',
    ]);
  });
});

// A source's role, version and hosts are decided alike by the fast scan (only the records around a
// prefilter hit and problem lines) and the full scan (every record): evidence that any record may
// carry (a logger, a classpath line, a pod prefix) counts only from records both scans read.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { tempDir } from '../helpers.js';

const INFO_TM = '2024-05-01 10:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Allocated slot for 5f3e2d.';
const INFO_JM = '2024-05-01 10:00:00,000 INFO  org.apache.flink.runtime.jobmaster.JobMaster                  [] - Using restart back off time strategy NoRestartBackoffTimeStrategy.';
const ERROR_OTHER = ['2024-05-01 10:00:02,000 ERROR com.example.Enricher                                      [] - lookup failed', 'java.lang.IllegalStateException: boom', '\tat com.example.Enricher.run(Enricher.java:10)'];
const ERROR_TM = '2024-05-01 10:00:03,000 WARN  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Slot report from 5f3e2d is late.';
const CLASSPATH = '2024-05-01 10:00:00,000 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -  Classpath: /opt/flink/lib/flink-csv-1.18.1.jar:/opt/flink/lib/flink-dist-1.18.1.jar:/opt/flink/lib/log4j-api-2.17.1.jar';

async function both(name: string, lines: string[]): Promise<{ fast: unknown; full: unknown }> {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  const pick = (d: Awaited<ReturnType<typeof diagnosePaths>>): unknown => d.inputs.map((s) => ({ role: s.role, roleReason: s.roleReason, version: s.flinkVersion, hosts: s.hosts }));
  return { fast: pick(await diagnosePaths([file], { ignore: [] })), full: pick(await diagnosePaths([file], { ignore: [], fullScan: true })) };
}

describe('role, version and hosts: fast scan equals full scan', () => {
  it('a role named only by the logger of a record no scan must read is not taken by either', async () => {
    const { fast, full } = await both('app.log', [INFO_TM, INFO_TM, ...ERROR_OTHER]);
    expect(fast).toEqual(full);
    expect(fast).toEqual([{ role: 'unknown', roleReason: null, version: null, hosts: [] }]);
  });

  it('a role named by the logger of a WARN or ERROR record is taken by both', async () => {
    const { fast, full } = await both('app.log', [INFO_JM, INFO_JM, INFO_JM, ERROR_TM, ...ERROR_OTHER]);
    expect(fast).toEqual(full);
    expect(fast).toEqual([{ role: 'taskmanager', roleReason: 'TaskManager logger TaskExecutor', version: null, hosts: [] }]);
  });

  it('a logger of a record that holds a fact literal votes in both', async () => {
    const fact = '2024-05-01 10:00:04,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Source (1/2)#0 (aaaa_bbbb) switched from RUNNING to CANCELING.';
    const { fast, full } = await both('app.log', [INFO_JM, INFO_JM, fact]);
    expect(fast).toEqual(full);
    expect((fast as { role: string }[])[0]!.role).toBe('taskmanager');
  });

  it('the version of a classpath line is read by neither when nothing else marks the line', async () => {
    const { fast, full } = await both('app.log', [CLASSPATH, ...ERROR_OTHER]);
    expect(fast).toEqual(full);
    expect((fast as { version: string | null }[])[0]!.version).toBeNull();
  });

  it('a kubectl pod seen only on INFO lines is a host of neither; one seen on an ERROR line is of both', async () => {
    const lines = [`[pod/orders-taskmanager-1-1/flink] ${INFO_TM}`, `[pod/orders-taskmanager-1-2/flink] ${INFO_TM}`, ...ERROR_OTHER.map((l) => `[pod/orders-taskmanager-1-2/flink] ${l}`)];
    const { fast, full } = await both('pods.log', lines);
    expect(fast).toEqual(full);
    expect((fast as { hosts: string[] }[])[0]!.hosts).toEqual(['orders-taskmanager-1-2']);
  });

  it('the file name and banner decide as before', async () => {
    const banner = '2024-05-01 10:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] -  Starting TaskManager (Version: 1.18.1, Scala: 2.12, Rev:a8c8b1c, Date:2024-01-11T12:00:00+01:00)';
    const { fast, full } = await both('flink-root-taskexecutor-0-worker7.log', [banner, INFO_JM, ...ERROR_OTHER]);
    expect(fast).toEqual(full);
    expect(fast).toEqual([{ role: 'taskmanager', roleReason: 'TaskManager logger TaskManagerRunner', version: '1.18.1', hosts: ['worker7'] }]);
  });

  it('the version of a stack frame is read by both; a JVM `WARNING:` line marks nothing', async () => {
    const frames = ['java.lang.IllegalStateException: boom', '\tat akka.actor.Actor.aroundReceive(Actor.scala:517) ~[flink-dist_2.12-1.13.1.jar:1.13.1]'];
    const r1 = await both('trace.log', frames);
    expect(r1.fast).toEqual(r1.full);
    expect((r1.fast as { version: string | null }[])[0]!.version).toBe('1.13.1');
    const r2 = await both('jvm.out', ['WARNING: System::setSecurityManager has been called by org.apache.flink.core.security.FlinkSecurityManager (file:/opt/flink/lib/flink-dist-1.19.3.jar)', ...ERROR_OTHER]);
    expect(r2.fast).toEqual(r2.full);
    expect((r2.fast as { version: string | null }[])[0]!.version).toBeNull();
  });

  it('a lab capture with JVM output files: both scans agree on every source', async () => {
    const dir = join(__dirname, '../../lab/captures/metaspace-oom/1.19.3');
    const pick = (d: Awaited<ReturnType<typeof diagnosePaths>>): unknown => d.inputs.map((s) => [s.name, s.role, s.roleReason, s.flinkVersion, s.hosts]);
    const fast = pick(await diagnosePaths([dir], { ignore: [] }));
    expect(fast).toEqual(pick(await diagnosePaths([dir], { ignore: [], fullScan: true })));
    expect((fast as unknown[][]).filter((s) => String(s[0]).endsWith('.log')).map((s) => s[1])).toEqual(['jobmanager', 'taskmanager', 'taskmanager']);
  });
});

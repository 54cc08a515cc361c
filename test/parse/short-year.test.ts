// Hadoop's log4j layout `%d{yy/MM/dd HH:mm:ss} %p %c{2}: %m` (YARN containers, EMR clusters that
// keep Hadoop's log4j configuration): its lines are headers with a two-digit year, the logger is
// cut to its last two parts and followed by a colon. Near misses: dates in text, impossible dates.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, LineKind, parseHeader, readTimestamp } from '../../src/parse/line.js';
import { diagnosePaths } from '../../src/diagnose.js';
import { tempDir } from '../helpers.js';

describe('yy/MM/dd HH:mm:ss headers', () => {
  it('reads the time, the level, a Flink logger in full and the message', () => {
    const h = parseHeader('20/01/22 11:08:49 INFO executiongraph.ExecutionGraph: Sink: out (1/1) (083db3e18b24bc9329931aa39bf3109e) switched from RUNNING to FAILED.')!;
    expect(h).toEqual({
      time: '2020-01-22T11:08:49',
      timeMs: Date.UTC(2020, 0, 22, 11, 8, 49),
      level: 'INFO',
      logger: 'org.apache.flink.runtime.executiongraph.ExecutionGraph',
      thread: null,
      message: 'Sink: out (1/1) (083db3e18b24bc9329931aa39bf3109e) switched from RUNNING to FAILED.',
    });
    expect(readTimestamp('24/03/11 09:14:22,418')).toEqual({ iso: '2024-03-11T09:14:22.418', ms: Date.UTC(2024, 2, 11, 9, 14, 22, 418) });
  });

  it('keeps a logger that is not Flink runtime as the layout wrote it, and an exception after the level as the message', () => {
    expect(parseHeader('21/06/30 02:00:01 WARN clients.NetworkClient: Connection to node 1 could not be established.')).toMatchObject({ logger: 'clients.NetworkClient', message: 'Connection to node 1 could not be established.' });
    expect(parseHeader('21/06/30 02:00:01 ERROR java.io.IOException: boom')).toMatchObject({ level: 'ERROR', logger: null, message: 'java.io.IOException: boom' });
    expect(parseHeader('21/06/30 02:00:01 ERROR Exception in thread "main" boom')).toMatchObject({ logger: null, message: 'Exception in thread "main" boom' });
  });

  it('classifies the line as a header, and not dates in text or impossible dates', () => {
    expect(classify('20/01/22 11:08:49 INFO executiongraph.ExecutionGraph: x')).toBe(LineKind.Header);
    for (const text of ['20/13/22 11:08:49 INFO x', '20/01/32 11:08:49 INFO x', '20/01/22 25:08:49 INFO x', '20/01/22 11:08 INFO x', '20/01/22x11:08:49 INFO x', '1/2/2020 11:08:49 INFO x']) {
      expect(classify(text), text).not.toBe(LineKind.Header);
    }
  });

  it('a log in this layout is read as records with times and the role of its loggers', async () => {
    const dir = tempDir();
    const file = join(dir, 'jobmanager.log');
    writeFileSync(
      file,
      [
        '20/01/22 11:08:40 INFO checkpoint.CheckpointCoordinator: Triggering checkpoint 7 (type=CHECKPOINT) @ 1579691320000 for job 083db3e18b24bc9329931aa39bf3109e.',
        '20/01/22 11:08:49 INFO executiongraph.ExecutionGraph: Sink: out (1/1) (4b1d2c9a8e7f6a5b4c3d2e1f0a9b8c7d) switched from RUNNING to FAILED.',
        'org.apache.flink.util.FlinkException: The assigned slot container_e10_1579661300080_0005_01_000002_0 was removed.',
        '\tat org.apache.flink.runtime.resourcemanager.slotmanager.SlotManager.removeSlot(SlotManager.java:899)',
        '20/01/22 11:08:50 INFO executiongraph.ExecutionGraph: Job orders (083db3e18b24bc9329931aa39bf3109e) switched from state RUNNING to RESTARTING.',
      ].join('\n') + '\n',
    );
    const d = await diagnosePaths([file], { ignore: [] });
    expect(d.inputs[0]!.role).toBe('jobmanager');
    expect(d.coverage!.first).toBe('2020-01-22T11:08:40');
    expect(d.coverage!.last).toBe('2020-01-22T11:08:50');
    expect(d.checkpoints.map((c) => c.id)).toEqual([7]);
    const group = d.unknown.find((g) => g.exception === 'org.apache.flink.util.FlinkException')!;
    expect(group.message).toBe('The assigned slot <container> was removed.');
  });
});

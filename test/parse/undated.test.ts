// The log4j layout `MM-dd HH:mm:ss.SSS` writes no year: its lines are headers, their year is
// inferred (the year up to now), and the report says so. Near misses: dates and versions in text.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, isUndatedHeader, LineKind, parseHeader, readTimestamp, yearOfUndated } from '../../src/parse/line.js';
import { buildEvent } from '../../src/parse/event.js';
import { diagnosePaths } from '../../src/diagnose.js';
import { tempDir } from '../helpers.js';

const year = new Date().getUTCFullYear();

describe('MM-dd HH:mm:ss.SSS headers', () => {
  it('reads the level, logger and message, the year inferred', () => {
    const h = parseHeader('01-04 03:12:44.123 ERROR org.apache.flink.runtime.taskmanager.Task - Sink (1/1)#0 (a_b) switched from RUNNING to FAILED with failure cause:')!;
    expect(h).toMatchObject({ level: 'ERROR', logger: 'org.apache.flink.runtime.taskmanager.Task', message: 'Sink (1/1)#0 (a_b) switched from RUNNING to FAILED with failure cause:' });
    const y = yearOfUndated(1, 4);
    expect(h.time).toBe(`${y}-01-04T03:12:44.123`);
    expect(h.timeMs).toBe(Date.UTC(y, 0, 4, 3, 12, 44, 123));
  });

  it('reads a comma before the milliseconds, a thread, and no milliseconds', () => {
    expect(parseHeader('03-11 09:00:00,5 [main] WARN  org.example.A - slow')).toMatchObject({ level: 'WARN', message: 'slow' });
    expect(parseHeader('03-11 09:00:00 INFO x')!.time).toMatch(/^\d{4}-03-11T09:00:00$/);
  });

  it('classifies the line as a header, so a trace below it joins its record', () => {
    expect(classify('12-04 03:12:44.123 ERROR org.example.A - boom')).toBe(LineKind.Header);
    const e = buildEvent(0, 1, ['12-04 03:12:44.123 ERROR org.example.A - boom', 'java.io.IOException: disk', '\tat a.B.c(B.java:1)']);
    expect(e.chain.map((c) => c.cls)).toEqual(['java.io.IOException']);
    expect(e.level).toBe('ERROR');
  });

  it('takes the year of now, or the year before for a date after now', () => {
    const now = Date.UTC(2025, 0, 10, 12);
    expect(yearOfUndated(1, 10, now)).toBe(2025);
    expect(yearOfUndated(1, 11, now)).toBe(2025); // a day of slack for time zones
    expect(yearOfUndated(12, 31, now)).toBe(2024);
    expect(readTimestamp('12-31 23:59:59.999', now)).toEqual({ iso: '2024-12-31T23:59:59.999', ms: Date.UTC(2024, 11, 31, 23, 59, 59, 999) });
  });

  it('near misses: version strings, ranges and impossible dates or times are not headers', () => {
    for (const text of ['10-12 of the tasks failed', '10-12 12:00 meeting', '1.10-12 build', '13-01 10:00:00.000 INFO x', '02-30x10:00:00 INFO x', '12-04 24:00:00.000 INFO x', '12-04 10:61:00.000 INFO x', '12-04 10:00:00.000x', '2024-12-04']) {
      expect(isUndatedHeader(text), text).toBe(false);
      expect(classify(text), text).not.toBe(LineKind.Header);
    }
    expect(readTimestamp('10-12 x')).toEqual({ iso: null, ms: null });
  });

  it('a yearless log is scanned as records with times, and the inferred year is stated', async () => {
    const dir = tempDir();
    const file = join(dir, 'tm.log');
    writeFileSync(
      file,
      [
        '01-02 03:12:44.123 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor - Starting TaskManager with ResourceID: 10.0.0.3:6122-a1b2c3',
        '01-02 03:12:45.001 ERROR org.apache.flink.runtime.taskmanager.Task - Source (1/1)#0 (abc_def) switched from RUNNING to FAILED with failure cause:',
        'java.io.IOException: boom',
        '\tat x.y(Z.java:1)',
      ].join('\n') + '\n',
    );
    const d = await diagnosePaths([file], { ignore: [] });
    expect(d.inputs[0]!.role).toBe('taskmanager');
    expect(d.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining(`timestamps without a year (MM-dd HH:mm:ss) were read as in the 12 months up to today: year ${year}`));
    expect(d.coverage!.first).toBe(`${yearOfUndated(1, 2)}-01-02T03:12:44.123`);
  });

  it('a dated log gets no such warning', async () => {
    const dir = tempDir();
    const file = join(dir, 'tm.log');
    writeFileSync(file, '2024-01-02 03:12:44,123 INFO  org.example.A - 10-12 12:00:00 in text\n');
    const d = await diagnosePaths([file], { ignore: [] });
    expect(d.warnings.filter((w) => w.message.includes('without a year'))).toEqual([]);
  });
});

// Terminal escape injection: control characters from log lines and file names are shown as
// escapes (\x1b) in every human format and in the warnings on standard error; JSON escapes them.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { visible } from '../../src/report/escape.js';
import { cli, tempDir } from '../helpers.js';

const TM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
const CLEAR = '\x1b[2J\x1b[H';
const TITLE = '\x1b]0;owned\x07';
const LINK = '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\';
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;

describe('control characters from logs', () => {
  it('are shown as escapes', () => {
    expect(visible(`a${CLEAR}b\tc\nd\r\u202e`)).toBe('a\\x1b[2J\\x1b[Hb\tc\nd\\x0d\\u202e');
    expect(visible('plain text')).toBe('plain text');
  });

  it('never reach the terminal in text, markdown or html, nor in warnings naming files', async () => {
    const d = tempDir();
    // A matched failure whose evidence line carries escapes, an unknown failure, and a file name with ESC.
    const evil = TM.replace('while link file to', `${CLEAR}${TITLE}while link file to`);
    const unknown = `2024-03-11 09:00:01,000 ERROR com.example.Job [] - Boom ${LINK} ${TITLE}\ncom.example.BoomException: bad ${CLEAR}\n\tat com.example.Job.run(Job.java:1)\n`;
    writeFileSync(join(d, 'taskmanager.log'), evil + unknown);
    writeFileSync(join(d, `x${TITLE}.log`), '');
    for (const format of ['text', 'markdown', 'html']) {
      const r = await cli(['--format', format, '--unknown', '5', d], {});
      expect(r.stdout, format).not.toMatch(RAW);
      expect(r.stdout, format).toContain('\\x1b');
      expect(r.stderr, format).not.toMatch(RAW);
      expect(r.stderr, format).toContain('x\\x1b]0;owned\\x07.log: file is empty');
    }
    const json = await cli(['--format', 'json', d], {});
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout).warnings.some((w: any) => w.source.includes(TITLE))).toBe(true);
  }, 60_000);
});

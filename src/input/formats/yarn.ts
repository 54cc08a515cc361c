// `yarn logs -applicationId …` aggregated output, split into one member per container log, with
// the role (from the log type) and the host (from the container line) it names.

import type { Role } from '../../model.js';
import type { ExpandOptions, Member } from '../expand.js';
import { drain } from '../streams.js';

/** `yarn logs -applicationId …` output: `Container: … on …` blocks with `LogType:` sections. */
export function isYarnAggregated(head: string): boolean {
  return /^Container: \S+ on \S+/m.test(head.slice(0, 4096)) && /^LogType: ?\S+/m.test(head) || /^LogType: ?\S+\r?\n(?:LogLastModifiedTime|Log Upload Time|LogLength):/m.test(head);
}

export async function* yarnMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const reader = new ByteReader(src);
  let container = 'container';
  let host: string | undefined;
  for (;;) {
    const line = await reader.readLine();
    if (line === null) break;
    const c = /^Container: (\S+) on (\S+)/.exec(line);
    if (c) {
      container = c[1]!;
      host = c[2]!.replace(/[_:]\d+$/, '');
      continue;
    }
    const lt = /^LogType: ?(\S+)/.exec(line);
    if (!lt) continue;
    const logType = lt[1]!;
    let length = -1;
    for (;;) {
      const h = await reader.readLine();
      if (h === null) return;
      const len = /^LogLength: ?(\d+)/.exec(h);
      if (len) length = Number(len[1]);
      if (/^Log ?Contents:/.test(h)) break;
    }
    const memberName = `${name}!${container}/${logType}`;
    const roleHint: Role | undefined = /jobmanager/i.test(logType) ? 'jobmanager' : /taskmanager|taskexecutor/i.test(logType) ? 'taskmanager' : undefined;
    const body = length >= 0 ? reader.readBytes(length) : reader.readUntilLine(`End of LogType:${logType}`);
    const member: Member = { name: memberName, kind: 'log', chunks: body, gzip: false, format: 'yarn' };
    if (roleHint) member.roleHint = roleHint;
    if (host) member.host = host;
    if (/\.(?:log|out|err)(?:\.\d+)?$|^(?:stdout|stderr)$/.test(logType)) yield member;
    else opts.warn(memberName, 'YARN log type that is not a Flink log; skipped');
    await drain(body);
  }
}

/** Sequential reader over a chunk stream: lines, fixed byte counts, or bytes up to a marker line. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  private done = false;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.buf.toString('utf8', 0, nl).replace(/\r$/, '');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (!(await this.fill())) {
        if (this.buf.length === 0) return null;
        const line = this.buf.toString('utf8');
        this.buf = Buffer.alloc(0);
        return line;
      }
    }
  }

  async *readBytes(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) return;
      const take = Math.min(left, this.buf.length);
      yield this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
    }
  }

  async *readUntilLine(marker: string): AsyncGenerator<Buffer> {
    for (;;) {
      const line = await this.readLine();
      if (line === null || line.startsWith(marker)) return;
      yield Buffer.from(line + '\n');
    }
  }
}

// A scan in two stages on two threads: the calling thread reads and cuts records (scanner and
// kernel), a worker thread parses them and runs detection. The records travel as their bytes,
// packed into transferred buffers; the other scan messages (members, configuration, totals,
// warnings) follow them in order. The worker's detector reads exactly what an in-process one
// would, so its results, merged on the calling thread, are the diagnosis of a scan on one thread.
// Unlike a second lane, the worker compiles only the detection half of the code and holds no
// read buffers.

import { parentPort, Worker } from 'node:worker_threads';
import type { InputWarning } from '../model.js';
import type { DetectionSetup } from '../setup.js';
import { exportState, TaskFeeder, type DetectorState } from './merge.js';
import { recordLines, type RawEvent, type RecordForm } from '../scan/record.js';
import type { ScanMessage } from './task.js';
import { heapCheck, workerStarted } from './heap.js';
import { WORKER_LIMITS, WORKER_URL, type PipelineSetup } from './protocol.js';

/** From the detecting thread to the scanning one: a batch of records was detected, or the results. */
type FromDetector = { kind: 'ack'; bytes: number } | { kind: 'state'; state: DetectorState };

/** From the scanning thread to the detecting one. */
type ToDetector =
  | { kind: 'records'; buffer: ArrayBuffer; count: number; scanned: number }
  | { kind: 'message'; task: number; msg: Exclude<ScanMessage, { type: 'record' }> }
  | { kind: 'finish' };

/** Bytes of packed records sent at once. */
const BATCH_BYTES = 256 << 10;
/**
 * Bytes of records handed on and not yet detected, past which the scanning thread waits: in a log
 * that is mostly failures the worker parses more slowly than the scanner cuts, and without a
 * bound the records would pile up in its queue (memory), and a Ctrl-C would wait for all of them.
 */
const MAX_IN_FLIGHT = 8 << 20;
/** Literal count of a record that names no literals because every record is handed on. */
const ALL_LITERALS = 0xffff;
/** Bytes of a packed record before its literal indexes. */
const HEADER = 31;

/**
 * Packs records for the worker: per record, the task and member (u32 each), its first line and
 * offset (f64 each), its length (u32), form (u8) and literals (u16 count, then u16 indexes),
 * then its bytes.
 */
class RecordPacker {
  private buf = new Uint8Array(BATCH_BYTES);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  count = 0;

  constructor(private readonly literalIndex: Map<string, number>) {}

  get bytes(): number {
    return this.pos;
  }

  add(task: number, member: number, r: RawEvent): void {
    const bytes = r.bytes!;
    const lits = r.literals;
    const need = HEADER + 2 * (lits?.length ?? 0) + bytes.length;
    if (this.pos + need > this.buf.length) this.grow(this.pos + need);
    const v = this.view;
    let p = this.pos;
    v.setUint32(p, task, true);
    v.setUint32(p + 4, member, true);
    v.setFloat64(p + 8, r.firstLine, true);
    v.setFloat64(p + 16, r.offset, true);
    v.setUint32(p + 24, bytes.length, true);
    v.setUint8(p + 28, r.form ?? 0);
    v.setUint16(p + 29, lits === null ? ALL_LITERALS : lits.length, true);
    p += HEADER;
    for (const l of lits ?? []) {
      v.setUint16(p, this.literalIndex.get(l)!, true);
      p += 2;
    }
    this.buf.set(bytes, p);
    this.pos = p + bytes.length;
    this.count++;
  }

  /** The packed records so far, to be transferred; the packer starts afresh. */
  take(): { buffer: ArrayBuffer; count: number } {
    const out = { buffer: this.buf.buffer.slice(0, this.pos) as ArrayBuffer, count: this.count };
    this.pos = 0;
    this.count = 0;
    return out;
  }

  private grow(size: number): void {
    const next = new Uint8Array(Math.max(size, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** The scanning thread's side: hands a task's scan messages on, and collects the worker's results. */
export class Pipeline {
  private readonly packer: RecordPacker;
  private readonly result: Promise<DetectorState>;
  private scanned = 0;
  /** Bytes of records posted and not yet acknowledged. */
  private inFlight = 0;
  /** Resolved when the worker has caught up (see MAX_IN_FLIGHT). */
  private caughtUp: { promise: Promise<void>; resolve: () => void } | null = null;
  /** A task reported that it was stopped. */
  stopped = false;

  private constructor(private readonly worker: Worker, literals: string[]) {
    this.packer = new RecordPacker(new Map(literals.map((l, i) => [l, i])));
    this.result = new Promise((resolve, reject) => {
      worker.on('message', (m: FromDetector) => {
        if (m.kind === 'ack') {
          this.inFlight -= m.bytes;
          if (this.caughtUp && this.inFlight <= MAX_IN_FLIGHT / 2) {
            this.caughtUp.resolve();
            this.caughtUp = null;
          }
        } else resolve(m.state);
      });
      worker.once('error', (e) => {
        this.caughtUp?.resolve();
        reject(e);
      });
      worker.once('exit', (code) => {
        this.caughtUp?.resolve();
        reject(new Error(`the detecting thread ended (exit code ${code})`));
      });
    });
    // A failure is reported by finish(); until then it must not count as unhandled.
    this.result.catch(() => undefined);
  }

  private stopFlag: Int32Array | null = null;

  /** Starts the detecting worker; when `signal` fires, the worker drops the records it has not detected yet. */
  static start(setup: PipelineSetup, signal?: AbortSignal): Pipeline {
    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_URL, { workerData: { ...setup, stop }, resourceLimits: WORKER_LIMITS });
    worker.once('online', workerStarted);
    const p = new Pipeline(worker, setup.literals);
    p.stopFlag = new Int32Array(stop);
    if (signal) {
      if (signal.aborted) p.stopNow();
      else signal.addEventListener('abort', () => p.stopNow(), { once: true });
    }
    return p;
  }

  /** Tells the worker to skip the records still queued (an interrupted scan reports what was detected so far). */
  stopNow(): void {
    if (this.stopFlag) Atomics.store(this.stopFlag, 0, 1);
    this.stopped = true;
    this.caughtUp?.resolve();
    this.caughtUp = null;
  }

  /** Counts scanned input bytes (the worker keeps its heap budget by them). */
  onBytes(n: number): void {
    this.scanned += n;
  }

  /** A promise to wait for before reading on while the worker is behind by more than MAX_IN_FLIGHT bytes, else null. */
  pace(): Promise<void> | null {
    if (this.inFlight <= MAX_IN_FLIGHT || this.stopped) return null;
    if (!this.caughtUp) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.caughtUp = { promise, resolve };
    }
    return this.caughtUp.promise;
  }

  /** Hands one scan message of task `task` on: records are packed, the rest follow them in order. */
  take(task: number, msg: ScanMessage): void {
    if (msg.type === 'record') {
      this.packer.add(task, msg.member, msg.record);
      if (this.packer.bytes >= BATCH_BYTES) this.flush();
      return;
    }
    if (msg.type === 'done' && msg.stopped) this.stopped = true;
    this.flush();
    this.post({ kind: 'message', task, msg });
  }

  /** Waits for the worker's results (its detector's state, warnings included) and stops it. */
  async finish(): Promise<DetectorState> {
    this.flush();
    this.post({ kind: 'finish' });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stops the worker without waiting for results. */
  async abandon(): Promise<void> {
    await this.worker.terminate();
  }

  private flush(): void {
    if (this.packer.count === 0) return;
    const { buffer, count } = this.packer.take();
    this.inFlight += buffer.byteLength;
    this.post({ kind: 'records', buffer, count, scanned: this.scanned }, [buffer]);
    this.scanned = 0;
  }

  private post(m: ToDetector, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }
}

/** The detecting thread's side (run by worker.ts): feeds what arrives to one detector, then posts its state. */
export function detectInWorker(setup: PipelineSetup, detection: DetectionSetup): void {
  const port = parentPort!;
  const detector = detection.detector();
  const warnings: InputWarning[] = [];
  // One feeder a task: each numbers its members from 0.
  const feeders: TaskFeeder[] = [];
  const feeder = (task: number): TaskFeeder => (feeders[task] ??= new TaskFeeder(detector, warnings));
  const stop = setup.stop ? new Int32Array(setup.stop) : null;
  port.on('message', (m: ToDetector) => {
    if (m.kind === 'message') {
      feeder(m.task).take(m.msg);
    } else if (m.kind === 'records') {
      if (stop && Atomics.load(stop, 0) === 1) {
        port.postMessage({ kind: 'ack', bytes: m.buffer.byteLength } satisfies FromDetector);
        return;
      }
      readRecords(m.buffer, m.count, setup.literals, (task, member, record) => feeder(task).take({ type: 'record', member, record }));
      if (setup.heapBudget) heapCheck(m.scanned, setup.heapBudget);
      port.postMessage({ kind: 'ack', bytes: m.buffer.byteLength } satisfies FromDetector);
    } else {
      port.postMessage({ kind: 'state', state: exportState(detector, warnings) } satisfies FromDetector);
    }
  });
}

/** Unpacks records packed by RecordPacker. */
function readRecords(buffer: ArrayBuffer, count: number, literals: string[], onRecord: (task: number, member: number, r: RawEvent) => void): void {
  const v = new DataView(buffer);
  const bytes = Buffer.from(buffer);
  let p = 0;
  for (let i = 0; i < count; i++) {
    const task = v.getUint32(p, true);
    const member = v.getUint32(p + 4, true);
    const firstLine = v.getFloat64(p + 8, true);
    const offset = v.getFloat64(p + 16, true);
    const length = v.getUint32(p + 24, true);
    const form = v.getUint8(p + 28) as RecordForm;
    const n = v.getUint16(p + 29, true);
    p += HEADER;
    let lits: string[] | null = null;
    if (n !== ALL_LITERALS) {
      lits = [];
      for (let k = 0; k < n; k++, p += 2) lits.push(literals[v.getUint16(p, true)]!);
    }
    const lines = recordLines(bytes, p, p + length, form);
    p += length;
    onRecord(task, member, { firstLine, lines, offset, literals: lits });
  }
}

#!/usr/bin/env node
// Entry point: runs the CLI and exits with its code once the output is flushed (an unread stdin
// must not keep the process alive after Ctrl-C). Ctrl-C is caught before anything else loads, so
// an early interrupt still gives the partial report; SIGTERM (a container stopping, `timeout`)
// is handled the same way and exits 143. A closed stdout (| head) ends quietly.
// The main thread's young generation is held at the size it starts with from the first line,
// before the bundle loads (src/run/heap.ts, holdYoungGeneration, says why, and lets it grow to a
// set size for the scan and holds it there); its old generation by the scan's heap budget (forced collections, run/heap.ts), the
// workers' heaps by explicit limits (run/protocol.ts), the lanes by --max-memory (run/plan.ts).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
// Optimised code inlines less into each function than V8's default (920 bytes of bytecode in all):
// every thread that scans (the main thread, each lane's worker) compiles the hot paths anew, and
// the scan's large functions were recompiled after each deoptimisation with their whole inlined
// tree. Measured on two cores, 1 GiB log with six times the bench's WARN records: 0.5 s of
// optimising compilation a thread instead of 0.77 s, scans as fast or faster (README, Performance).
setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort('SIGINT'));
process.once('SIGTERM', () => interrupt.abort('SIGTERM'));
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { run } = await import('../dist/cli/bundle.js');
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: interrupt.signal });
const exit = code === 130 && interrupt.signal.reason === 'SIGTERM' ? 143 : code;
process.exitCode = exit;
process.stdout.write('', () => process.exit(exit));

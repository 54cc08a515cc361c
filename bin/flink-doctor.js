#!/usr/bin/env node
// Entry point: runs the CLI and exits with its code once the output is flushed (an unread stdin
// must not keep the process alive after Ctrl-C). Ctrl-C is caught before anything else loads, so
// an early interrupt still gives the partial report; SIGTERM (a container stopping, `timeout`)
// is handled the same way and exits 143. A closed stdout (| head) ends quietly.
// The main thread's heap is not sized here: V8 fixes the main isolate's heap geometry (semi-space
// and old-generation limits) when Node starts, and v8.setFlagsFromString('--max-semi-space-size=…')
// or '--max-old-space-size=…' afterwards was measured to change nothing (the new space stays at
// V8's 32 MiB). Restarting Node with the flags would hold two processes. The main thread's heap is
// bounded instead by the scan's heap budget (forced collections, scan/heap.ts), the workers' by
// explicit resourceLimits (scan/pool.ts), the lanes by --max-memory (scan/plan.ts). A user may
// still start it as `node --max-semi-space-size=4 bin/flink-doctor.js` (or NODE_OPTIONS).
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

#!/usr/bin/env node
// Entry point: runs the CLI and exits with its code once the output is flushed (an unread stdin
// must not keep the process alive after Ctrl-C). Ctrl-C is caught before anything else loads, so
// an early interrupt still gives the partial report. A closed stdout (| head) ends quietly.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { run } = await import('../dist/cli/bundle.js');
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: interrupt.signal });
process.exitCode = code;
process.stdout.write('', () => process.exit(code));

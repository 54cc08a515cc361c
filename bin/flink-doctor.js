#!/usr/bin/env node
// Entry point: runs the CLI and exits with its code once the output is flushed (an unread stdin
// must not keep the process alive after Ctrl-C). A closed stdout (| head) ends quietly.
import { run } from '../dist/cli/main.js';

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
process.exitCode = code;
process.stdout.write('', () => process.exit(code));

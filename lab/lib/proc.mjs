// Child processes of the lab: bounded one-shot commands, and long-running daemons started in
// their own process group so that the whole group can be stopped.

import { spawn } from 'node:child_process';

/**
 * Runs a command to its end (or kills it after timeoutMs) and returns its exit code and output.
 * It stays in the lab's process group, so that Ctrl-C reaches it too.
 */
export function run(cmd, args, { timeoutMs = 120_000, env, cwd, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch {} }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stdout, stderr: stderr + String(e.message) }); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr }); });
    if (input) child.stdin.end(input); else child.stdin.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True while a process (or process group, for a negative id) exists. */
export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Stops a process group: SIGTERM (SIGCONT first, for a stopped one), then SIGKILL after graceMs. */
export async function stopGroup(pgid, graceMs = 10_000) {
  if (!pgid || !alive(-pgid)) return;
  try { process.kill(-pgid, 'SIGCONT'); } catch {}
  try { process.kill(-pgid, 'SIGTERM'); } catch {}
  const until = Date.now() + graceMs;
  while (Date.now() < until && alive(-pgid)) await sleep(200);
  if (alive(-pgid)) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
  const hard = Date.now() + 5000;
  while (Date.now() < hard && alive(-pgid)) await sleep(100);
}

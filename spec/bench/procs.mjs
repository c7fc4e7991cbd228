// Child processes of the benchmark runner: started pinned to one core with taskset, tracked, and
// killed (by PID, only ours) when the runner ends, normally or not.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';

const children = new Set();

export function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { killAll(); process.exit(130); });
}

/** Starts `node [execArgv] file ...args` pinned to `core`, with an IPC channel. */
export function spawnPinned(core, file, args = [], execArgv = []) {
  // taskset execs node, so child.pid is node's PID (what /proc/PID/stat is read from).
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...execArgv, file, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the first IPC message matching `type` (or with a `port` when type is 'port'). */
export function nextMessage(child, type, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no '${type}' message within ${timeoutMs} ms`)); }, timeoutMs);
    const onMessage = (m) => {
      if (m && m.type === 'error') { cleanup(); reject(new Error(m.message)); return; }
      if (m && (m.type === type || (type === 'port' && typeof m.port === 'number'))) { cleanup(); resolve(m); }
    };
    const onExit = (code, signal) => { cleanup(); reject(new Error(`process exited (${code ?? signal}) before '${type}'`)); };
    const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startServer(file, args = [], execArgv = []) {
  const child = spawnPinned(0, file, args, execArgv);
  const { port } = await nextMessage(child, 'port', 20_000);
  return { child, pid: child.pid, port, url: `http://127.0.0.1:${port}` };
}

export function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    try { process.kill(child.pid, 'SIGTERM'); } catch { clearTimeout(timer); resolve(); }
  });
}

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();

/** CPU time (user + system) of `pid` so far, in microseconds, from /proc/PID/stat. */
export function cpuMicros(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1e6) / CLK_TCK;
}

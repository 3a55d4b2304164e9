// The editor's child processes (the engine and the trainer) run a bundled script with an IPC channel
// and keep the parent's Node flags (a preloaded module, say), except a debugger's: its port is taken.
import { ChildProcess, fork } from 'node:child_process';

export function forkChild(modulePath: string, extraExecArgv: readonly string[] = []): ChildProcess {
  return fork(modulePath, [], {
    serialization: 'advanced',
    execArgv: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), ...extraExecArgv],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/** The last lines a child wrote to stderr, for the message when it dies. */
export function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d) => (tail = (tail + d).slice(-4000)));
  return () => tail.trim().split('\n').pop() ?? '';
}

/** Kills a child that still runs and resolves once it has exited. */
export async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

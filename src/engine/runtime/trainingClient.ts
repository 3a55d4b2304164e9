// Runs a fine-tuning job in a child process (dist/trainer.js) and relays its progress; cancelling
// ends the process within a second, before it has written anything, so the old model stays in use.
import { FineTuneProgress, FineTuneRequest, FineTuneResult } from '../training/fineTune';
import { TrainingCancelled } from '../training/trainer';
import { forkChild, stderrTail } from './forkChild';

export type TrainMessage =
  | { kind: 'progress'; progress: FineTuneProgress }
  | { kind: 'done'; result: FineTuneResult }
  | { kind: 'failed'; message: string; cancelled: boolean };

export function runTraining(trainerPath: string, request: FineTuneRequest, onProgress?: (p: FineTuneProgress) => void, signal?: AbortSignal): Promise<FineTuneResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TrainingCancelled());
    const child = forkChild(trainerPath);
    const stderr = stderrTail(child);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      child.send({ kind: 'cancel' });
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
      settle(() => reject(new TrainingCancelled()));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: TrainMessage) => {
      if (m.kind === 'progress') onProgress?.(m.progress);
      else if (m.kind === 'done') settle(() => resolve(m.result));
      else settle(() => reject(m.cancelled ? new TrainingCancelled() : new Error(m.message)));
    });
    child.on('error', (e) => settle(() => reject(e)));
    child.on('exit', (code, sig) => settle(() => reject(new Error(`training stopped unexpectedly (${sig ?? `exit code ${code}`})${stderr() ? `: ${stderr()}` : ''}`))));
    child.send({ kind: 'train', request });
  });
}

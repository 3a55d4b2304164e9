// Entry of the training child process: fine-tuning runs here, at a lower CPU priority than the
// editor, so that typing stays fluid and a cancel can always end it (by exit, if need be).
import * as os from 'node:os';
import { fineTune, FineTuneRequest } from '../training/fineTune';
import type { TrainMessage } from './trainingClient';

const send = (m: TrainMessage) => process.send!(m);
const abort = new AbortController();

try {
  // Relative to the editor's niceness (inherited): a fixed 10 would raise the priority of a child of
  // an editor already running at 15, where root is allowed to.
  os.setPriority(Math.min(19, os.getPriority() + 10));
} catch {
  // Not permitted here: train at the editor's priority.
}

process.on('message', (m: { kind: 'train'; request: FineTuneRequest } | { kind: 'cancel' }) => {
  if (m.kind === 'cancel') return abort.abort();
  fineTune(m.request, (progress) => send({ kind: 'progress', progress }), abort.signal).then(
    (result) => send({ kind: 'done', result }),
    (e: Error) => send({ kind: 'failed', message: e.message, cancelled: abort.signal.aborted }),
  ).finally(() => process.disconnect());
});

// "Recurrent: Train on Workspace": collect the workspace's files, fine-tune in a child process with a
// cancellable progress notification, switch to the adapted model and report before → after.
import * as vscode from 'vscode';
import { runTraining } from '../engine/runtime/trainingClient';
import { FineTuneResult } from '../engine/training/fineTune';
import { TrainingCancelled } from '../engine/training/trainer';
import { ModelManager } from './modelManager';
import { readSettings } from './settings';
import { collectWorkspaceFiles } from './workspaceFiles';

/** "Train on Workspace" and "Cancel Training"; running the first again joins the running job. */
export function registerTrainCommands(models: ModelManager, trainerPath: string, log: vscode.LogOutputChannel, learnedWeights?: string): vscode.Disposable {
  let running: { result: Promise<FineTuneResult | undefined>; abort: AbortController } | undefined;
  const setTraining = (on: boolean) => void vscode.commands.executeCommand('setContext', 'recurrent.training', on);
  return vscode.Disposable.from(
    vscode.commands.registerCommand('recurrent.trainOnWorkspace', () => {
      if (running) {
        void vscode.window.showInformationMessage('Recurrent is already training on this workspace.');
        return running.result;
      }
      const abort = new AbortController();
      setTraining(true);
      const result = trainOnWorkspace(models, trainerPath, log, abort.signal, learnedWeights).finally(() => {
        running = undefined;
        setTraining(false);
      });
      running = { result, abort };
      return result;
    }),
    vscode.commands.registerCommand('recurrent.cancelTraining', () => running?.abort.abort()),
  );
}

async function trainOnWorkspace(models: ModelManager, trainerPath: string, log: vscode.LogOutputChannel, cancel: AbortSignal, learnedWeights?: string): Promise<FineTuneResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage('Training reads every file of the workspace. Trust this workspace first.', 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const outDir = models.workspaceDir;
  const current = models.current;
  if (!vscode.workspace.workspaceFolders?.length || !outDir) {
    void vscode.window.showWarningMessage('Open a folder to train Recurrent on it.');
    return undefined;
  }
  if (!current) {
    void vscode.window.showErrorMessage('Recurrent has no model loaded to start from.');
    return undefined;
  }
  const settings = readSettings();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Recurrent: training on workspace', cancellable: true },
    async (progress, token) => {
      progress.report({ message: 'collecting files…' });
      const collected = await collectWorkspaceFiles(settings, token);
      if (token.isCancellationRequested || cancel.aborted) {
        void vscode.window.showInformationMessage('Training cancelled. The previous model stays in use.');
        return undefined;
      }
      log.info(`[training] ${collected.files.length} files, ${collected.bytes} bytes; skipped ${JSON.stringify(collected.skipped)}`);
      if (!collected.files.length) {
        const skipped = Object.entries(collected.skipped).map(([why, n]) => `${n} ${why}`).join(', ');
        void vscode.window.showWarningMessage(`Recurrent found no text files to train on${skipped ? ` (skipped: ${skipped})` : ''}. The model is unchanged.`);
        return undefined;
      }
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      cancel.addEventListener('abort', () => abort.abort());
      if (cancel.aborted) abort.abort();
      let lastPercent = 0;
      try {
        const result = await runTraining(trainerPath, {
          files: collected.files,
          fromDir: current.dir,
          learnedWeights,
          outDir,
          options: { maxMinutes: settings.maxMinutes },
          description: `adapted to ${vscode.workspace.name ?? 'the workspace'}`,
        }, (p) => {
          if (p.phase === 'preparing') progress.report({ message: `tokenizing ${collected.files.length} files…` });
          else if (p.phase === 'prepared') progress.report({ message: `${p.files} files, ${p.trainTokens.toLocaleString('en-US')} tokens` });
          else {
            const percent = Math.min(100, (100 * p.step) / p.totalSteps);
            progress.report({
              increment: percent - lastPercent,
              message: `loss ${p.loss.toFixed(2)} · ${Math.round(p.tokensPerSecond).toLocaleString('en-US')} tok/s · ${formatEta(p.etaSeconds)} left`,
            });
            lastPercent = percent;
          }
        }, abort.signal);
        await models.useWorkspaceModel();
        const report = `Recurrent adapted to this workspace: ${result.before.bitsPerChar.toFixed(2)} → ${result.after.bitsPerChar.toFixed(2)} bits/char, perplexity ${result.before.perplexity.toFixed(0)} → ${result.after.perplexity.toFixed(0)}.`;
        log.info(`[training] ${result.trainTokens} tokens in ${Math.round(result.seconds)} s (${result.stopped})`);
        log.info(`[training] ${report}`);
        void vscode.window.showInformationMessage(report);
        return result;
      } catch (e) {
        if (e instanceof TrainingCancelled) {
          void vscode.window.showInformationMessage('Training cancelled. The previous model stays in use.');
          return undefined;
        }
        log.error(`[training] ${(e as Error).stack ?? e}`);
        void vscode.window.showErrorMessage(`Recurrent could not train on the workspace: ${(e as Error).message} The previous model stays in use.`);
        return undefined;
      }
    },
  );
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

// Wires the engine to the editor: builds the parts, registers the contributions, owns the disposables.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultEngineClientOptions, EngineClient } from './engine/runtime/engineClient';
import { registerCompletionProvider } from './vscode/completionProvider';
import { CompletionSource } from './vscode/completionSource';
import { createInlineCompletionProvider } from './vscode/inlineCompletionProvider';
import { Learning } from './vscode/learning';
import { describeModel, ModelManager } from './vscode/modelManager';
import { PerplexityStatusBar } from './vscode/perplexityStatusBar';
import { registerPrefetch } from './vscode/prefetch';
import { SurprisalHighlighter } from './vscode/surprisalHighlighter';
import { registerTrainCommands } from './vscode/trainCommand';
import { ProjectMemoryController } from './vscode/projectMemory';

/** What the extension-host tests reach through `exports`. */
export interface RecurrentApi {
  readonly client: EngineClient;
  readonly models: ModelManager;
  readonly statusBar: PerplexityStatusBar;
  readonly surprisal: SurprisalHighlighter;
  readonly learning: Learning;
  /** The registered ghost-text provider (VS Code 1.100 has no command that runs these). */
  readonly inlineProvider: vscode.InlineCompletionItemProvider;
  readonly projectMemory: ProjectMemoryController;
  /** Settles when the first model has loaded (or failed to). */
  readonly ready: Promise<unknown>;
}

let client: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): RecurrentApi {
  const log = vscode.window.createOutputChannel('Recurrent', { log: true });
  client = new EngineClient(defaultEngineClientOptions(context.asAbsolutePath(path.join('dist', 'worker.js'))));
  const workspaceDir = context.storageUri ? path.join(context.storageUri.fsPath, 'model') : undefined;
  const models = new ModelManager(client, context.asAbsolutePath(path.join('media', 'models', 'base')), workspaceDir, log);
  const source = new CompletionSource(client, log);
  const statusBar = new PerplexityStatusBar(client, models);
  const surprisal = new SurprisalHighlighter(statusBar);
  const inlineProvider = createInlineCompletionProvider(source);
  const learnedFile = context.storageUri ? path.join(context.storageUri.fsPath, 'learned.bin') : undefined;
  const learning = new Learning(client, models, context.asAbsolutePath(path.join('dist', 'learner.js')), learnedFile, log);
  learning.onDidChange((line) => (statusBar.learning = line));
  const projectMemory = new ProjectMemoryController(client, context.storageUri?.fsPath, log);
  projectMemory.onDidChange((line) => statusBar.setProjectMemory(line));

  let crashShown = false;
  client.onDidCrash((e) => {
    log.error(`[runtime] ${e.message}; restarting the engine`);
    if (!crashShown) {
      crashShown = true;
      void vscode.window.showWarningMessage('The Recurrent engine stopped unexpectedly and is being restarted. Details are in the Recurrent output.');
    }
  });

  context.subscriptions.push(
    log,
    models,
    statusBar,
    surprisal,
    learning,
    projectMemory,
    registerCompletionProvider(source),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, inlineProvider),
    registerTrainCommands(models, context.asAbsolutePath(path.join('dist', 'trainer.js')), log, learnedFile),
    vscode.commands.registerCommand('recurrent.resetToBaseModel', async () => {
      await learning.reset();
      await models.resetToBase();
      await projectMemory.reset();
      void vscode.window.showInformationMessage('Recurrent is using the bundled base model again; what it learned while you worked is dropped, and its project memory is rebuilt from the workspace\'s files.');
    }),
    vscode.commands.registerCommand('recurrent.showModelInfo', () => showModelInfo(models)),
    vscode.workspace.onDidCloseTextDocument((d) => client?.close(d.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('recurrent.modelPath')) void models.loadPreferred();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void models.loadPreferred()),
  );

  // The model loads in the worker; activation returns at once. The project memory loads beside it.
  void projectMemory.start();
  const ready = models.loadPreferred().then(
    () => {
      // Reading ahead needs a model; before one has loaded, a request could only fail.
      context.subscriptions.push(registerPrefetch(source));
      return statusBar.refresh(0);
    },
    (e: Error) => {
      log.error(`[model] ${e.message}`);
      void vscode.window.showErrorMessage(`Recurrent could not load its model: ${e.message}`);
    },
  );
  return { client, models, statusBar, surprisal, learning, inlineProvider, projectMemory, ready };
}

async function showModelInfo(models: ModelManager): Promise<void> {
  const m = models.current;
  if (!m) {
    void vscode.window.showInformationMessage('Recurrent has no model loaded yet.');
    return;
  }
  const meta = m.info.meta as { metrics?: { after?: { bitsPerChar?: number } }; training?: { files?: number; trainTokens?: number; seconds?: number } };
  const lines = [
    describeModel(m),
    `Embedding ${m.info.embedSize}, hidden ${m.info.hiddenSize}, ${m.info.layers} layer(s).`,
    describeMemory(m.info.memoryWords),
    meta.metrics?.after?.bitsPerChar ? `Validation: ${meta.metrics.after.bitsPerChar.toFixed(3)} bits per character.` : '',
    meta.training?.files ? `Trained on ${meta.training.files} files in ${Math.round(meta.training.seconds ?? 0)} s.` : '',
    `Folder: ${m.dir}`,
  ].filter(Boolean);
  const actions = m.kind === 'base' ? ['Train on Workspace'] : ['Train on Workspace', 'Reset to Base Model'];
  const choice = await vscode.window.showInformationMessage('Recurrent model', { modal: true, detail: lines.join('\n') }, ...actions);
  if (choice === 'Train on Workspace') await vscode.commands.executeCommand('recurrent.trainOnWorkspace');
  if (choice === 'Reset to Base Model') await vscode.commands.executeCommand('recurrent.resetToBaseModel');
}

function describeMemory(words: number): string {
  return words ? `Word memory: ${words.toLocaleString('en-US')} words of its training text.` : '';
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}

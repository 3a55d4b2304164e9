// Child-process driver of the privacy test: what the extension host does with the engine (complete
// while typing, score for the status bar, train on the workspace) through the real EngineClient,
// worker and training child. Run under netGuard.cjs, which the worker and the trainer inherit.
import * as fs from 'node:fs';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../../../src/engine/runtime/engineClient';
import { runTraining } from '../../../src/engine/runtime/trainingClient';
import { CorpusFile } from '../../../src/engine/training/corpus';

interface DriverRequest {
  readonly modelDir: string;
  readonly workerPath: string;
  readonly trainerPath: string;
  readonly filesJson: string;
  readonly outDir: string;
}

async function main(): Promise<void> {
  const r = JSON.parse(process.env.PRIVACY_DRIVER!) as DriverRequest;
  const files = JSON.parse(fs.readFileSync(r.filesJson, 'utf8')) as CorpusFile[];
  const client = new EngineClient(defaultEngineClientOptions(r.workerPath));
  let completions = 0;
  try {
    await client.load(r.modelDir);
    let text = files[0].text.slice(0, 2000);
    for (const ch of '\nconst app = express();\napp.listen') {
      text += ch;
      if ((await client.complete('file:///w/app.js', text, defaultCompleteOptions()))?.items.length) completions++;
    }
    const score = await client.score(files[0].text, 10);
    const trained = await runTraining(r.trainerPath, { files, fromDir: r.modelDir, outDir: r.outDir, options: { epochs: 1, batch: 2, steps: 16, maxMinutes: 1 } });
    console.log(JSON.stringify({ completions, bitsPerChar: score.bitsPerChar, trainedFiles: trained.files }));
  } finally {
    await client.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

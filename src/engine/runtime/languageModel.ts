// A loaded model folder: tokenizer, configuration and the ORT sessions that run it for completion
// (1 intra-op thread, so typing never competes with itself for the two cores).
//
// Sessions (B batch, T tokens, L layers, S state width, V vocabulary):
//   step:    tokens int64 [B,T], state_in f32 [L,B,S] -> log_probs f32 [B,T,V], state_out [L,B,S]
//   advance: tokens int64 [B,T], state_in            -> state_out [L,B,S]
//   score:   tokens, targets int64 [B,T], state_in   -> target_log_probs f32 [B,T], state_out
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildAdvanceModel, buildScoreModel, loadModelFolder, MODEL_FILES, ModelConfig, ModelMeta, stateSize } from '../model';
import { Tokenizer } from '../tokenizer';
import { createSession, int64Tensor } from './ortSession';

export class LanguageModel {
  readonly stateSize: number;
  /** Per token: its bytes are all identifier bytes (may continue a word). */
  readonly wordToken: Uint8Array;
  /** Per token: its first byte ends a word (punctuation, space, special token). */
  readonly boundaryToken: Uint8Array;
  readonly tokenBytes: Uint8Array[];
  /** Token ids by their first byte, so matching typed text skips most of the vocabulary. */
  readonly tokensByFirstByte: Int32Array[];

  private constructor(
    readonly dir: string,
    readonly cfg: ModelConfig,
    readonly tokenizer: Tokenizer,
    readonly meta: ModelMeta,
    private readonly stepSession: ort.InferenceSession,
    private readonly advanceSession: ort.InferenceSession,
    private readonly scoreSession: ort.InferenceSession,
  ) {
    this.stateSize = stateSize(cfg);
    const V = cfg.vocabSize;
    this.wordToken = new Uint8Array(V);
    this.boundaryToken = new Uint8Array(V);
    this.tokenBytes = [];
    const byFirstByte: number[][] = Array.from({ length: 256 }, () => []);
    for (let id = 0; id < V; id++) {
      const bytes = tokenizer.tokenBytes(id);
      this.tokenBytes.push(bytes);
      if (bytes.length) byFirstByte[bytes[0]].push(id);
      this.wordToken[id] = bytes.length > 0 && bytes.every(isWordByte) ? 1 : 0;
      this.boundaryToken[id] = bytes.length === 0 || !isWordByte(bytes[0]) ? 1 : 0;
    }
    this.tokensByFirstByte = byFirstByte.map((ids) => Int32Array.from(ids));
  }

  /** Loads a model folder; throws an Error that names the faulty file. */
  static async load(dir: string, scoreThreads = 1): Promise<LanguageModel> {
    const folder = loadModelFolder(dir);
    // loadModelFolder counts the ids; the tokenizer may still reject its merges or lack a token.
    const tokenizerFile = path.join(path.resolve(dir), MODEL_FILES.tokenizer);
    let tokenizer: Tokenizer;
    try {
      tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    } catch (e) {
      throw new Error(`${tokenizerFile}: ${(e as Error).message.replace(/^(tokenizer(\.json)?: )+/, '')}`);
    }
    if (tokenizer.vocabSize !== folder.cfg.vocabSize) {
      throw new Error(`${tokenizerFile} has ${tokenizer.vocabSize} tokens but the model's vocabulary size is ${folder.cfg.vocabSize}.`);
    }
    const [step, advance, score] = await Promise.all([
      createSession(folder.onnx, 1),
      createSession(buildAdvanceModel(folder.cfg, folder.weights), 1),
      createSession(buildScoreModel(folder.cfg, folder.weights), scoreThreads),
    ]);
    return new LanguageModel(dir, folder.cfg, tokenizer, folder.meta ?? {}, step, advance, score);
  }

  get layers(): number {
    return this.cfg.layers;
  }

  /** A zeroed state for `batch` sequences, [L, B, S]. */
  zeroState(batch = 1): Float32Array {
    return new Float32Array(this.cfg.layers * batch * this.stateSize);
  }

  /** Runs tokens [B, T] from states [L, B, S]; returns log-probs [B, T, V] and the new states. */
  async step(tokens: ArrayLike<number>, batch: number, state: Float32Array): Promise<{ logProbs: Float32Array; state: Float32Array }> {
    const T = tokens.length / batch;
    const out = await this.stepSession.run({
      tokens: int64Tensor(tokens, [batch, T]),
      state_in: new ort.Tensor('float32', state, [this.cfg.layers, batch, this.stateSize]),
    });
    return { logProbs: out.log_probs.data as Float32Array, state: out.state_out.data as Float32Array };
  }

  /** Advances one sequence's state over tokens without computing any distribution. */
  async advance(tokens: ArrayLike<number>, state: Float32Array): Promise<Float32Array> {
    const out = await this.advanceSession.run({
      tokens: int64Tensor(tokens, [1, tokens.length]),
      state_in: new ort.Tensor('float32', state, [this.cfg.layers, 1, this.stateSize]),
    });
    return out.state_out.data as Float32Array;
  }

  /** The scoring graph, for perplexity over whole documents. */
  get scoreGraph() {
    return { session: this.scoreSession, stateSize: this.stateSize, layers: this.cfg.layers };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.stepSession.release(), this.advanceSession.release(), this.scoreSession.release()]);
  }
}

/** Identifier bytes: ASCII letters, digits, `_`, `$`, and every byte of a multi-byte UTF-8 character. */
export function isWordByte(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b === 95 || b === 36 || b >= 0x80;
}

// The model's configuration and its derived sizes (the graphs' tensor names: onnx/tensorNames).

export type CellType = 'rnn' | 'gru' | 'lstm';

export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embedSize: number;
  hiddenSize: number;
  layers: 1 | 2;
}

/** Gate blocks in the ONNX weight layout: rnn 1, gru 3 (z,r,h), lstm 4 (i,o,f,c). */
export function gateCount(cell: CellType): number {
  return cell === 'rnn' ? 1 : cell === 'gru' ? 3 : 4;
}

/** Per-layer state width: H (rnn, gru) or 2H (lstm: h then c). */
export function stateSize(cfg: ModelConfig): number {
  return cfg.cell === 'lstm' ? 2 * cfg.hiddenSize : cfg.hiddenSize;
}

/** Throws a clear error for a configuration no graph can be built from. */
export function checkConfig(cfg: ModelConfig): void {
  if (!['rnn', 'gru', 'lstm'].includes(cfg.cell)) throw new Error(`unknown cell type "${cfg.cell}"`);
  if (cfg.layers !== 1 && cfg.layers !== 2) throw new Error(`layers must be 1 or 2, got ${cfg.layers}`);
  for (const k of ['vocabSize', 'embedSize', 'hiddenSize'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`${k} must be a positive integer, got ${cfg[k]}`);
  }
}

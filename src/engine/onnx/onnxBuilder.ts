// A small typed builder for ONNX graphs (opset 17, ai.onnx) over onnx-proto.
// Values carry their element type and, where known, their shape, so the helpers can reject a
// mismatched MatMul or Concat when the graph is built instead of when ORT runs it.
import { onnx } from 'onnx-proto';

export const OPSET = 17;

export type Dim = number | string;
/** null: shape unknown (only symbolic graphs ever need this). */
export type Shape = readonly Dim[] | null;
export type ElemType = 'float' | 'int64';

/** A named tensor in a graph. */
export interface Value {
  readonly name: string;
  readonly type: ElemType;
  readonly shape: Shape;
}

export type Attr = number | string | readonly number[] | { floats: readonly number[] } | { float: number } | GraphBuilder;

const DATA_TYPE: Record<ElemType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

/** Allocates names unique across a graph and all its subgraphs (ORT requires that for Scan bodies). */
class Names {
  private counter = 0;
  private readonly used = new Set<string>();
  claim(name: string): string {
    if (this.used.has(name)) throw new Error(`duplicate ONNX value name "${name}"`);
    this.used.add(name);
    return name;
  }
  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`; while (this.used.has(name));
    return this.claim(name);
  }
}

function shapeString(s: Shape): string {
  return s ? `[${s.join(',')}]` : '[?]';
}

function fail(op: string, msg: string, ...vals: Value[]): never {
  throw new Error(`${op}: ${msg} (${vals.map((v) => `${v.name}${shapeString(v.shape)}`).join(', ')})`);
}

function numel(shape: readonly Dim[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Numpy-style broadcast of two shapes; throws on a definite mismatch. */
function broadcast(op: string, a: Value, b: Value): Shape {
  if (!a.shape || !b.shape) return null;
  const rank = Math.max(a.shape.length, b.shape.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a.shape[a.shape.length - rank + i] ?? 1;
    const db = b.shape[b.shape.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else if (typeof da === 'number' && typeof db === 'number') fail(op, 'shapes do not broadcast', a, b);
    else out.push(typeof da === 'number' ? db : da);
  }
  return out;
}

function attribute(name: string, value: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (value instanceof GraphBuilder) return { name, type: T.GRAPH, g: value.toGraph() };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use {float})`);
    return { name, type: T.INT, i: value };
  }
  if ('floats' in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.INTS, ints: [...(value as readonly number[])] };
}

function valueInfo(v: Value): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[v.type],
        shape: v.shape ? { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
      },
    },
  };
}

/** A float32 or int64 tensor as an ONNX TensorProto (raw little-endian bytes). */
export function tensorProto(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): onnx.ITensorProto {
  if (numel(dims) !== data.length) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
  return {
    name,
    dims: [...dims],
    dataType: data instanceof Float32Array ? DATA_TYPE.float : DATA_TYPE.int64,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Builds one ONNX graph; `subgraph()` makes a Scan body that shares its name space. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];

  constructor(readonly name: string, private readonly names: Names = new Names()) {}

  /** A graph (e.g. a Scan body) whose node and value names never collide with this one's; its
   *  name is `hint` made unique, so `${name}.x` is free for its inputs. */
  subgraph(hint: string): GraphBuilder {
    return new GraphBuilder(this.names.fresh(hint), this.names);
  }

  input(name: string, type: ElemType, shape: Shape): Value {
    const v = { name: this.names.claim(name), type, shape };
    this.inputs.push(v);
    return v;
  }

  /** Marks `v` as a graph output, renamed through Identity when `name` differs. */
  output(v: Value, name = v.name): Value {
    const out = name === v.name ? v : this.op('Identity', [v], {}, v.shape, name);
    this.outputs.push(out);
    return out;
  }

  initializer(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): Value {
    return this.addInitializer(this.names.claim(name), data, dims);
  }

  private addInitializer(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): Value {
    this.initializers.push(tensorProto(name, data, dims));
    return { name, type: data instanceof Float32Array ? 'float' : 'int64', shape: dims };
  }

  /** A float32 constant (scalar when `dims` is omitted and one value is given). */
  constFloat(values: number | readonly number[], dims?: readonly number[]): Value {
    const data = Float32Array.from(typeof values === 'number' ? [values] : values);
    return this.addInitializer(this.names.fresh('c'), data, dims ?? (typeof values === 'number' ? [] : [data.length]));
  }

  /** An int64 constant vector (indices, shapes, axes). */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.addInitializer(this.names.fresh('i'), BigInt64Array.from(values, (x) => BigInt(x)), dims);
  }

  /** Appends a node; `outShapes` gives each output's shape (null = unknown). */
  node(opType: string, inputs: readonly (Value | null)[], attrs: Record<string, Attr>, outs: readonly { shape: Shape; type?: ElemType; name?: string }[]): Value[] {
    const outputs = outs.map((o) => ({
      name: o.name ? this.names.claim(o.name) : this.names.fresh(opType.toLowerCase()),
      type: o.type ?? inputs.find((v) => v)?.type ?? 'float',
      shape: o.shape,
    }));
    this.nodes.push({
      name: this.names.fresh(`${this.name}/${opType}`),
      opType,
      domain: '',
      input: inputs.map((v) => v?.name ?? ''),
      output: outputs.map((v) => v.name),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** A single-output node. */
  op(opType: string, inputs: readonly (Value | null)[], attrs: Record<string, Attr>, shape: Shape, name?: string, type?: ElemType): Value {
    return this.node(opType, inputs, attrs, [{ shape, name, type }])[0];
  }

  // --- Elementwise -------------------------------------------------------------------------

  private binary(opType: string, a: Value, b: Value): Value {
    if (a.type !== b.type) fail(opType, 'element types differ', a, b);
    return this.op(opType, [a, b], {}, broadcast(opType, a, b));
  }
  add(a: Value, b: Value): Value { return this.binary('Add', a, b); }
  sub(a: Value, b: Value): Value { return this.binary('Sub', a, b); }
  mul(a: Value, b: Value): Value { return this.binary('Mul', a, b); }
  div(a: Value, b: Value): Value { return this.binary('Div', a, b); }
  pow(a: Value, b: Value): Value { return this.binary('Pow', a, b); }
  min(a: Value, b: Value): Value { return this.binary('Min', a, b); }
  unary(opType: 'Sigmoid' | 'Tanh' | 'Exp' | 'Log' | 'Neg' | 'Sqrt' | 'Identity', a: Value): Value {
    return this.op(opType, [a], {}, a.shape);
  }
  /** Elementwise sum of several tensors of the same shape. */
  sum(vals: readonly Value[]): Value {
    return vals.length === 1 ? vals[0] : this.op('Sum', vals, {}, vals.reduce<Shape>((s, v) => (s ? s : v.shape), null));
  }

  // --- Linear algebra ----------------------------------------------------------------------

  /** MatMul with numpy semantics; checks the contracted dimension. */
  matmul(a: Value, b: Value): Value {
    if (!a.shape || !b.shape || a.shape.length < 2 || b.shape.length < 2) return this.op('MatMul', [a, b], {}, null);
    const k1 = a.shape[a.shape.length - 1];
    const k2 = b.shape[b.shape.length - 2];
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) fail('MatMul', 'inner dimensions differ', a, b);
    const batchA = { ...a, shape: a.shape.slice(0, -2) };
    const batchB = { ...b, shape: b.shape.slice(0, -2) };
    const batch = broadcast('MatMul', batchA, batchB) ?? [];
    return this.op('MatMul', [a, b], {}, [...batch, a.shape[a.shape.length - 2], b.shape[b.shape.length - 1]]);
  }

  /** Gemm: alpha·op(A)·op(B) + beta·C on 2-D tensors. */
  gemm(a: Value, b: Value, c: Value | null, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}): Value {
    let shape: Shape = null;
    if (a.shape && b.shape) {
      if (a.shape.length !== 2 || b.shape.length !== 2) fail('Gemm', 'needs 2-D inputs', a, b);
      const [m, ka] = o.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const [kb, n] = o.transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
      if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) fail('Gemm', 'inner dimensions differ', a, b);
      shape = [m, n];
      if (c) broadcast('Gemm', { ...a, shape }, c);
    }
    const attrs: Record<string, Attr> = {};
    if (o.transA) attrs.transA = 1;
    if (o.transB) attrs.transB = 1;
    if (o.alpha !== undefined) attrs.alpha = { float: o.alpha };
    if (o.beta !== undefined) attrs.beta = { float: o.beta };
    return this.op('Gemm', c ? [a, b, c] : [a, b], attrs, shape);
  }

  // --- Shape manipulation ------------------------------------------------------------------

  /** Reshape to static dims (one -1 or 0 allowed as in ONNX); checks the element count. */
  reshape(a: Value, dims: readonly number[]): Value {
    let shape: Shape = null;
    if (a.shape) {
      const from = numel(a.shape);
      const fixed = dims.map((d, i) => (d === 0 ? a.shape![i] : d));
      const known = numel(fixed.filter((d) => d !== -1));
      if (from !== null && known !== null) {
        const out = fixed.map((d) => (d === -1 ? from / known : d));
        if (numel(out) !== from || !out.every((d) => Number.isInteger(d))) fail('Reshape', `cannot reshape to [${dims}]`, a);
        shape = out;
      } else if (!fixed.includes(-1)) shape = fixed;
    }
    return this.op('Reshape', [a, this.constInt64(dims)], {}, shape);
  }

  /** Reshape to a shape computed in the graph (symbolic batch/time). */
  reshapeDynamic(a: Value, shapeTensor: Value, shape: Shape): Value {
    return this.op('Reshape', [a, shapeTensor], {}, shape);
  }

  transpose(a: Value, perm: readonly number[]): Value {
    if (a.shape && a.shape.length !== perm.length) fail('Transpose', `perm [${perm}] does not match rank`, a);
    return this.op('Transpose', [a], { perm }, a.shape ? perm.map((p) => a.shape![p]) : null);
  }

  concat(vals: readonly Value[], axis: number): Value {
    let shape: Shape = null;
    if (vals.every((v) => v.shape)) {
      const rank = vals[0].shape!.length;
      const ax = normAxis(axis, rank);
      const out: Dim[] = [...vals[0].shape!];
      let total: Dim = 0;
      for (const v of vals) {
        if (v.shape!.length !== rank) fail('Concat', 'ranks differ', ...vals);
        v.shape!.forEach((d, i) => {
          if (i !== ax && typeof d === 'number' && typeof out[i] === 'number' && d !== out[i]) fail('Concat', `dimension ${i} differs`, ...vals);
        });
        const d = v.shape![ax];
        total = typeof total === 'number' && typeof d === 'number' ? total + d : `${total}+${d}`;
      }
      out[ax] = total;
      shape = out;
    }
    return this.op('Concat', vals, { axis }, shape);
  }

  /** Slice [start, end) along one axis. */
  slice(a: Value, axis: number, start: number, end: number): Value {
    let shape: Shape = null;
    if (a.shape) {
      const ax = normAxis(axis, a.shape.length);
      const d = a.shape[ax];
      const out = [...a.shape];
      if (typeof d === 'number') {
        const s = Math.max(0, start < 0 ? start + d : Math.min(start, d));
        const e = Math.max(0, end < 0 ? end + d : Math.min(end, d));
        if (e <= s) fail('Slice', `empty range ${start}:${end}`, a);
        out[ax] = e - s;
      } else out[ax] = `${d}[${start}:${end}]`;
      shape = out;
    }
    return this.op('Slice', [a, this.constInt64([start]), this.constInt64([end]), this.constInt64([axis])], {}, shape);
  }

  /** Splits along `axis` into pieces of the given sizes. */
  split(a: Value, axis: number, sizes: readonly number[]): Value[] {
    const outs = sizes.map((n) => {
      if (!a.shape) return { shape: null };
      const s = [...a.shape];
      s[normAxis(axis, s.length)] = n;
      return { shape: s };
    });
    if (a.shape) {
      const d = a.shape[normAxis(axis, a.shape.length)];
      if (typeof d === 'number' && d !== sizes.reduce((x, y) => x + y, 0)) fail('Split', `sizes [${sizes}] do not add up`, a);
    }
    return this.node('Split', [a, this.constInt64(sizes)], { axis }, outs);
  }

  squeeze(a: Value, axes: readonly number[]): Value {
    let shape: Shape = null;
    if (a.shape) {
      const ax = axes.map((x) => normAxis(x, a.shape!.length));
      for (const x of ax) if (a.shape[x] !== 1 && typeof a.shape[x] === 'number') fail('Squeeze', `axis ${x} is not 1`, a);
      shape = a.shape.filter((_, i) => !ax.includes(i));
    }
    return this.op('Squeeze', [a, this.constInt64(axes)], {}, shape);
  }

  unsqueeze(a: Value, axes: readonly number[]): Value {
    let shape: Shape = null;
    if (a.shape) {
      const out: Dim[] = [...a.shape];
      const rank = a.shape.length + axes.length;
      for (const x of axes.map((x) => normAxis(x, rank)).sort((p, q) => p - q)) out.splice(x, 0, 1);
      shape = out;
    }
    return this.op('Unsqueeze', [a, this.constInt64(axes)], {}, shape);
  }

  /** Gather rows of `table` ([V, ...]) by int64 indices of any shape. */
  gather(table: Value, indices: Value): Value {
    if (indices.type !== 'int64') fail('Gather', 'indices must be int64', indices);
    const shape = table.shape && indices.shape ? [...indices.shape, ...table.shape.slice(1)] : null;
    return this.op('Gather', [table, indices], { axis: 0 }, shape, undefined, table.type);
  }

  // --- Reductions --------------------------------------------------------------------------

  /** ReduceSum over `axes` (opset 13+: axes as an input). */
  reduceSum(a: Value, axes: readonly number[], keepdims = false): Value {
    return this.op('ReduceSum', [a, this.constInt64(axes)], { keepdims: keepdims ? 1 : 0 }, reducedShape(a, axes, keepdims));
  }

  /** ReduceSumSquare or ReduceMean (opset 17: axes as an attribute); all axes when omitted. */
  reduce(opType: 'ReduceSumSquare' | 'ReduceMean', a: Value, axes?: readonly number[], keepdims = false): Value {
    const attrs: Record<string, Attr> = { keepdims: keepdims ? 1 : 0 };
    if (axes) attrs.axes = axes;
    const shape = axes ? reducedShape(a, axes, keepdims) : keepdims && a.shape ? a.shape.map(() => 1) : [];
    return this.op(opType, [a], attrs, shape);
  }

  // --- Control flow ------------------------------------------------------------------------

  /**
   * Scan over axis 0 of `scanInputs` with `body` (inputs: states then per-step slices; outputs:
   * new states then per-step outputs). `reverse` runs from the last step to the first and writes
   * the scan outputs in time order. Returns final states then stacked scan outputs.
   */
  scan(body: GraphBuilder, states: readonly Value[], scanInputs: readonly Value[], o: { reverse?: boolean } = {}): Value[] {
    const nStates = states.length;
    const steps = scanInputs[0]?.shape?.[0] ?? null;
    if (body.inputs.length !== nStates + scanInputs.length) throw new Error(`Scan ${body.name}: body has ${body.inputs.length} inputs, expected ${nStates + scanInputs.length}`);
    const outs = body.outputs.map((v, i) => ({
      type: v.type,
      shape: i < nStates ? states[i].shape : v.shape && steps !== null ? [steps, ...v.shape] : null,
    }));
    const attrs: Record<string, Attr> = { body, num_scan_inputs: scanInputs.length };
    if (o.reverse) {
      attrs.scan_input_directions = scanInputs.map(() => 1);
      attrs.scan_output_directions = body.outputs.slice(nStates).map(() => 1);
    }
    return this.node('Scan', [...states, ...scanInputs], attrs, outs);
  }

  toGraph(): onnx.IGraphProto {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
    };
  }
}

function reducedShape(a: Value, axes: readonly number[], keepdims: boolean): Shape {
  if (!a.shape) return null;
  const ax = axes.map((x) => normAxis(x, a.shape!.length));
  return keepdims ? a.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : a.shape.filter((_, i) => !ax.includes(i));
}

/** Serializes a graph as an ONNX model (IR 8, opset 17) with optional metadata. */
export function encodeModel(graph: GraphBuilder, metadata: Record<string, string> = {}): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'recurrent',
    graph: graph.toGraph(),
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const bytes = onnx.ModelProto.encode(model).finish(); // a Buffer under Node
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parses an ONNX model; throws protobufjs' error on truncated or foreign bytes. */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** The float32 data of an initializer (copied, so it is aligned and owned). */
export function tensorFloats(t: onnx.ITensorProto): Float32Array {
  if (t.dataType !== DATA_TYPE.float) throw new Error(`tensor ${t.name} is not float32`);
  if (t.rawData && t.rawData.length) {
    const copy = new Uint8Array(t.rawData.length);
    copy.set(t.rawData);
    return new Float32Array(copy.buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}

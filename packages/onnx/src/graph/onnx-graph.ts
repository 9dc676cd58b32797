import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types a Heed graph uses. */
export type ElementType = 'float32' | 'int64' | 'int32' | 'bool';

/** Data of an initializer or constant. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

/** A dimension: a size, or a name for a size known only at run time ('batch', 'points'). */
export type Dim = number | string;

/** An attribute value; integers become INT(S), other numbers FLOAT, {@link float} forces FLOAT. */
export type AttributeValue = number | number[] | string | FloatAttribute | OnnxGraph | TensorAttribute;

/** A float attribute whose value happens to be an integer (e.g. `alpha: float(1)`). */
export interface FloatAttribute { float: number }
/** A tensor attribute (ConstantOfShape's `value`). */
export interface TensorAttribute { tensor: { data: TensorData; dims: number[] } }

/**
 * Marks a number as a FLOAT attribute even when it is an integer.
 *
 * @example
 * ```ts
 * g.node('LeakyRelu', [x], { alpha: float(0.2) });
 * ```
 */
export const float = (value: number): FloatAttribute => ({ float: value });

const ELEMENT_TYPES: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** The opset every Heed export declares (LayerNormalization, GatherND batch_dims, Softmax on any axis). */
export const OPSET = 17;
/** ONNX IR version of opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

/**
 * Builds an ONNX graph node by node, with unique value names, initializers and nested graphs
 * (Loop bodies), and serialises it to a ModelProto with onnx-proto — no Python involved.
 *
 * @example
 * ```ts
 * const g = new OnnxGraph('double');
 * const x = g.input('x', 'float32', ['batch', 3]);
 * g.output(g.node('Mul', [x, g.constant(new Float32Array([2]), [])], {}, 'y'), 'float32', ['batch', 3]);
 * const bytes = g.toModel(); // Uint8Array, runs in onnxruntime
 * ```
 */
export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly int64Cache = new Map<string, string>();
  private counter = 0;

  constructor(readonly name: string, private readonly parent?: OnnxGraph) {}

  /** A fresh value name starting with `hint` (unique across this graph and the graphs it nests in). */
  fresh(hint: string): string {
    const root = this.root();
    let name = hint;
    while (root.used.has(name)) name = `${hint}_${++root.counter}`;
    root.used.add(name);
    return name;
  }

  /**
   * Declares a graph input (for a Loop body: in the order ONNX prescribes). The main graph's
   * inputs keep exactly the name asked for (callers feed them by name): a taken name throws.
   */
  input(name: string, type: ElementType, dims: Dim[] | undefined): string {
    this.claimPublicName(name, 'input');
    const unique = this.fresh(name);
    this.inputs.push(valueInfo(unique, type, dims));
    return unique;
  }

  /**
   * Declares `value` a graph output under `name` (an Identity node renames it when they differ).
   * The main graph's outputs keep exactly that name: one already taken by another value throws.
   */
  output(value: string, type: ElementType, dims: Dim[] | undefined, name = value): string {
    if (value !== name) this.claimPublicName(name, 'output');
    else if (!this.parent && this.outputs.some((o) => o.name === name)) throw new Error(`OnnxGraph '${this.name}': "${name}" is already an output`);
    const out = value === name ? value : this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(out, type, dims));
    return out;
  }

  /** Why: a silently renamed input or output ('logits_3') breaks every caller that asks for it by name. */
  private claimPublicName(name: string, what: 'input' | 'output'): void {
    if (!this.parent && this.root().used.has(name)) {
      throw new Error(`OnnxGraph '${this.name}': cannot name an ${what} "${name}" — the name is already used in the graph (inputs and outputs keep the exact names asked for)`);
    }
  }

  /** A weight or constant tensor stored in the graph. */
  constant(data: TensorData, dims: number[], hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, data, dims));
    return name;
  }

  /** A 1-D int64 constant (axes, shapes, starts); equal lists share one initializer. */
  int64s(values: number[], hint = 'i64'): string {
    const key = values.join(',');
    const known = this.int64Cache.get(key);
    if (known) return known;
    const name = this.constant(BigInt64Array.from(values.map(BigInt)), [values.length], hint);
    this.int64Cache.set(key, name);
    return name;
  }

  /** A float32 scalar constant. */
  scalar(value: number, hint = 'scalar'): string {
    return this.constant(new Float32Array([value]), [], hint);
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output = op.toLowerCase()): string {
    return this.nodeN(op, inputs, 1, attributes, [output])[0]!;
  }

  /** Adds a node with `count` outputs (e.g. TopK, Loop) and returns their names. */
  nodeN(op: string, inputs: string[], count: number, attributes: Record<string, AttributeValue> = {}, hints: string[] = []): string[] {
    const outputs = Array.from({ length: count }, (_, i) => this.fresh(hints[i] ?? `${op.toLowerCase()}_out${i}`));
    this.nodes.push({
      opType: op, input: inputs, output: outputs, name: this.fresh(`${op}_node`),
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** A nested graph (a Loop or If body) that may read this graph's values by name. */
  subgraph(name: string): OnnxGraph {
    return new OnnxGraph(name, this);
  }

  /** This graph as a GraphProto (used for nested bodies). */
  toGraphProto(): onnxProto.onnx.IGraphProto {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  /**
   * The serialised ModelProto (opset {@link OPSET}).
   *
   * @example
   * ```ts
   * writeFileSync('model.onnx', graph.toModel({ docString: 'PCT, 40 classes' }));
   * ```
   */
  toModel(options: { docString?: string; metadata?: Record<string, string> } = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'heed',
      producerVersion: '0.1.0',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: this.toGraphProto(),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private root(): OnnxGraph {
    return this.parent ? this.parent.root() : this;
  }
}

function valueInfo(name: string, type: ElementType, dims: Dim[] | undefined): onnxProto.onnx.IValueInfoProto {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: { elemType: ELEMENT_TYPES[type], ...(shape ? { shape } : {}) } } };
}

function tensorProto(name: string, data: TensorData, dims: number[]): onnxProto.onnx.ITensorProto {
  const type: ElementType = data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : data instanceof BigInt64Array ? 'int64' : 'bool';
  // rawData: little-endian bytes, the compact form every runtime reads.
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dims, dataType: ELEMENT_TYPES[type], rawData: raw };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) return { name, type: T.FLOATS, floats: value };
    return { name, type: T.INTS, ints: value };
  }
  if (value instanceof OnnxGraph) return { name, type: T.GRAPH, g: value.toGraphProto() };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.TENSOR, t: tensorProto(`${name}_value`, value.tensor.data, value.tensor.dims) };
}

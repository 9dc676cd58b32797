/**
 * float64 reference forwards of SE, CBAM (image and point gates) and ECA on flat channels-last
 * arrays: plain loops, no tfjs, so the numerical gradient checks (and a cross-check against the
 * PyTorch fixtures) cannot inherit a bug from the implementation under test.
 */
export interface Mlp64 { w1: number[]; b1?: number[]; w2: number[]; b2?: number[] }
export interface Bn64 { gamma: number; beta: number; movingMean: number; movingVariance: number }
export interface Spatial64 { kernel: number[]; bias?: number; bn?: Bn64 }
/** A feature map [B, ...positions, C] flattened, with positions counted as P. */
export interface Map64 { data: number[]; b: number; p: number; c: number }

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function mlp(v: number[], m: Mlp64): number[] {
  const c = v.length, h = m.w1.length / c;
  const hidden = Array.from({ length: h }, (_, j) => {
    let s = m.b1?.[j] ?? 0;
    for (let i = 0; i < c; i++) s += v[i]! * m.w1[i * h + j]!;
    return Math.max(0, s);
  });
  return Array.from({ length: c }, (_, i) => {
    let s = m.b2?.[i] ?? 0;
    for (let j = 0; j < h; j++) s += hidden[j]! * m.w2[j * c + i]!;
    return s;
  });
}

function pool(x: Map64, batch: number, kind: 'avg' | 'max'): number[] {
  return Array.from({ length: x.c }, (_, ch) => {
    let acc = kind === 'avg' ? 0 : -Infinity;
    for (let q = 0; q < x.p; q++) {
      const v = x.data[(batch * x.p + q) * x.c + ch]!;
      acc = kind === 'avg' ? acc + v : Math.max(acc, v);
    }
    return kind === 'avg' ? acc / x.p : acc;
  });
}

function scaleChannels(x: Map64, gate: number[][]): Map64 {
  return { ...x, data: x.data.map((v, i) => v * gate[Math.floor(i / (x.p * x.c))]![i % x.c]!) };
}

export function se64(x: Map64, m: Mlp64) {
  const gate = Array.from({ length: x.b }, (_, b) => mlp(pool(x, b, 'avg'), m).map(sigmoid));
  return { output: scaleChannels(x, gate).data, channelWeights: gate.flat() };
}

export function channelGate64(x: Map64, m: Mlp64): number[][] {
  return Array.from({ length: x.b }, (_, b) => {
    const a = mlp(pool(x, b, 'avg'), m), mx = mlp(pool(x, b, 'max'), m);
    return a.map((v, i) => sigmoid(v + mx[i]!));
  });
}

/** [max, mean] over channels per position: [B·P][2]. */
function maxMean(x: Map64): [number, number][] {
  return Array.from({ length: x.b * x.p }, (_, q) => {
    const row = x.data.slice(q * x.c, (q + 1) * x.c);
    return [Math.max(...row), row.reduce((s, v) => s + v, 0) / x.c];
  });
}

/** Bias, BN (running or batch statistics), sigmoid. */
function head(z: number[], s: Spatial64, training: boolean, eps = 1e-5): number[] {
  let v = z.map((t) => t + (s.bias ?? 0));
  if (s.bn) {
    let mean = s.bn.movingMean, variance = s.bn.movingVariance;
    if (training) {
      mean = v.reduce((a, t) => a + t, 0) / v.length;
      variance = v.reduce((a, t) => a + (t - mean) ** 2, 0) / v.length;
    }
    v = v.map((t) => ((t - mean) / Math.sqrt(variance + eps)) * s.bn!.gamma + s.bn!.beta);
  }
  return v.map(sigmoid);
}

/** Image spatial gate on [B, H, W, C]: kernel HWIO [k, k, 2, 1] flattened, 'same' zero padding. */
function imageGate(x: Map64, h: number, w: number, s: Spatial64, training: boolean): number[] {
  const d = maxMean(x);
  const k = Math.round(Math.sqrt(s.kernel.length / 2)), pad = (k - 1) / 2;
  const z: number[] = [];
  for (let b = 0; b < x.b; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        let acc = 0;
        for (let di = 0; di < k; di++) {
          for (let dj = 0; dj < k; dj++) {
            const ii = i + di - pad, jj = j + dj - pad;
            if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
            const desc = d[(b * h + ii) * w + jj]!;
            acc += desc[0] * s.kernel[(di * k + dj) * 2]! + desc[1] * s.kernel[(di * k + dj) * 2 + 1]!;
          }
        }
        z.push(acc);
      }
    }
  }
  return head(z, s, training);
}

/** Point spatial gate on [B, N, C]: neighbours [B·N·k] flattened, kernel [2k] neighbour-major. */
function pointGate(x: Map64, neighbours: number[], s: Spatial64, training: boolean): number[] {
  const d = maxMean(x), k = s.kernel.length / 2;
  const z = Array.from({ length: x.b * x.p }, (_, q) => {
    const b = Math.floor(q / x.p);
    let acc = 0;
    for (let j = 0; j < k; j++) {
      const desc = d[b * x.p + neighbours[q * k + j]!]!;
      acc += desc[0] * s.kernel[2 * j]! + desc[1] * s.kernel[2 * j + 1]!;
    }
    return acc;
  });
  return head(z, s, training);
}

export interface Cbam64Options {
  /** Images: [H, W] of the positions; points: leave out and pass `neighbours`. */
  hw?: [number, number];
  neighbours?: number[];
  training?: boolean;
}

export function cbam64(x: Map64, mlpWeights: Mlp64, spatial: Spatial64 | undefined, o: Cbam64Options) {
  const gate = channelGate64(x, mlpWeights);
  const refined = scaleChannels(x, gate);
  if (!spatial) return { output: refined.data, channelWeights: gate.flat(), spatialMap: [] as number[] };
  const map = o.hw ? imageGate(refined, o.hw[0], o.hw[1], spatial, !!o.training) : pointGate(refined, o.neighbours!, spatial, !!o.training);
  return { output: refined.data.map((v, i) => v * map[Math.floor(i / x.c)]!), channelWeights: gate.flat(), spatialMap: map };
}

export function eca64(x: Map64, kernel: number[]) {
  const k = kernel.length, pad = (k - 1) / 2;
  const gate = Array.from({ length: x.b }, (_, b) => {
    const y = pool(x, b, 'avg');
    return y.map((_, i) => {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += (y[i + j - pad] ?? 0) * kernel[j]!;
      return sigmoid(acc);
    });
  });
  return { output: scaleChannels(x, gate).data, channelWeights: gate.flat() };
}

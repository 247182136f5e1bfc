import { ensureBackend, tf } from './backend.ts';
import { FEATURE_COUNT, FEATURE_SCHEMA, FEATURE_SCHEMA_VERSION } from './features.ts';
import { createRng, permutation, type Rng } from './rng.ts';
import { fitTemperature, softmaxRows } from './calibration.ts';

/**
 * The career model: a small multilayer perceptron with a shared trunk and two softmax heads,
 * fields of study (Vietnamese admission field groups) and the 16 career clusters. Weights are
 * initialised from a seeded generator and batches are shuffled with it, so a seed gives the
 * same model on the same backend. Each head has a temperature fitted on held-out data.
 */

export const MODEL_FORMAT = 'assay-career-mlp/1';

/** How the training data was made, stored with every model version. */
export interface TrainingInfo {
  description: string;
  synthetic: boolean;
  students: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend: string;
}

/** The JSON half of a saved model; the weights are a separate little-endian float32 binary. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  featureSchemaVersion: string;
  featureNames: string[];
  hidden: number[];
  fieldLabels: string[];
  clusterLabels: string[];
  normalizer: { mean: number[]; std: number[] };
  temperature: { field: number; cluster: number };
  weights: { name: string; shape: number[]; offset: number }[];
  training: TrainingInfo;
  metrics?: Record<string, unknown>;
  card?: string;
}

export interface TrainingData {
  /** Row-major features, n × FEATURE_COUNT. */
  X: Float32Array;
  n: number;
  /** Field index per row (-1 when unknown). */
  yField: Int32Array;
  /** Cluster index per row (-1 when unknown). */
  yCluster: Int32Array;
}

export interface TrainOptions {
  fieldLabels: string[];
  clusterLabels: string[];
  seed: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  hidden?: number[];
  /** Share of rows held out for temperature scaling. */
  calibrationFraction?: number;
  description?: string;
  synthetic?: boolean;
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Head outputs for a batch: row-major n × classes. */
export interface HeadOutputs { field: Float32Array; cluster: Float32Array }

export class CareerModel {
  /** True once the weights can no longer change (trained or loaded): enables the folded first layer. */
  private frozen = false;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly vars: Map<string, tf.Variable>,
  ) {}

  get fieldLabels(): string[] { return this.manifest.fieldLabels; }
  get clusterLabels(): string[] { return this.manifest.clusterLabels; }

  /** Logits of both heads for normalised inputs (used inside tf.tidy / tf.grad). */
  logitsTensor(xRaw: tf.Tensor2D): { field: tf.Tensor2D; cluster: tf.Tensor2D } {
    const v = (n: string) => this.vars.get(n)!;
    const mean = tf.tensor1d(this.manifest.normalizer.mean);
    const std = tf.tensor1d(this.manifest.normalizer.std);
    let h = tf.div(tf.sub(xRaw, mean), std) as tf.Tensor2D;
    this.manifest.hidden.forEach((_, i) => {
      h = tf.relu(tf.add(tf.matMul(h, v(`W${i}`)), v(`b${i}`))) as tf.Tensor2D;
    });
    return {
      field: tf.add(tf.matMul(h, v('Wf')), v('bf')) as tf.Tensor2D,
      cluster: tf.add(tf.matMul(h, v('Wc')), v('bc')) as tf.Tensor2D,
    };
  }

  private folded?: { W: tf.Tensor2D; b: tf.Tensor1D; Wjs: Float32Array; h: number };

  /**
   * The first layer with the input normalisation folded in: (x − μ)/σ·W + b = x·(W/σ) + (b − (μ/σ)·W).
   * Same function, fewer operations over the (large) input batch.
   */
  async foldedFirstLayer(): Promise<{ W: tf.Tensor2D; b: tf.Tensor1D; Wjs: Float32Array; h: number }> {
    if (this.folded) return this.folded;
    const W = (await this.vars.get('W0')!.data()) as Float32Array;
    const b = (await this.vars.get('b0')!.data()) as Float32Array;
    const h = this.manifest.hidden[0];
    const { mean, std } = this.manifest.normalizer;
    const Wf = new Float32Array(W.length), bf = Float32Array.from(b);
    for (let j = 0; j < FEATURE_COUNT; j++) {
      for (let k = 0; k < h; k++) {
        Wf[j * h + k] = W[j * h + k] / std[j];
        bf[k] -= (mean[j] / std[j]) * W[j * h + k];
      }
    }
    this.folded = { W: tf.tensor2d(Wf, [FEATURE_COUNT, h]), b: tf.tensor1d(bf), Wjs: Wf, h };
    return this.folded;
  }

  /** First-layer pre-activations (n × hidden[0]) for raw inputs. */
  async firstLayer(X: Float32Array, n: number, chunk = 16384): Promise<Float32Array> {
    await ensureBackend();
    const f = await this.foldedFirstLayer();
    const out = new Float32Array(n * f.h);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const t = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(X.subarray(s * FEATURE_COUNT, (s + m) * FEATURE_COUNT), [m, FEATURE_COUNT]), f.W), f.b));
      out.set((await t.data()) as Float32Array, s * f.h);
      t.dispose();
    }
    return out;
  }

  /** Logits of both heads from first-layer pre-activations (the rest of the network). */
  async logitsFromFirstLayer(pre: Float32Array, n: number, chunk = 32768): Promise<HeadOutputs> {
    await ensureBackend();
    const v = (k: string) => this.vars.get(k)!;
    const h0 = this.manifest.hidden[0];
    const F = this.fieldLabels.length, C = this.clusterLabels.length;
    const field = new Float32Array(n * F), cluster = new Float32Array(n * C);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const out = tf.tidy(() => {
        let h = tf.relu(tf.tensor2d(pre.subarray(s * h0, (s + m) * h0), [m, h0])) as tf.Tensor2D;
        for (let i = 1; i < this.manifest.hidden.length; i++) h = tf.relu(tf.add(tf.matMul(h, v(`W${i}`)), v(`b${i}`))) as tf.Tensor2D;
        return { field: tf.add(tf.matMul(h, v('Wf')), v('bf')), cluster: tf.add(tf.matMul(h, v('Wc')), v('bc')) };
      });
      field.set((await out.field.data()) as Float32Array, s * F);
      cluster.set((await out.cluster.data()) as Float32Array, s * C);
      out.field.dispose(); out.cluster.dispose();
    }
    return { field, cluster };
  }

  /** Raw logits for n rows, computed in chunks. */
  async logits(X: Float32Array, n: number, chunk = 16384): Promise<HeadOutputs> {
    await ensureBackend();
    if (this.frozen) return this.logitsFromFirstLayer(await this.firstLayer(X, n, chunk), n);
    const F = this.fieldLabels.length, C = this.clusterLabels.length;
    const field = new Float32Array(n * F), cluster = new Float32Array(n * C);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const out = tf.tidy(() => {
        const x = tf.tensor2d(X.subarray(s * FEATURE_COUNT, (s + m) * FEATURE_COUNT), [m, FEATURE_COUNT]);
        return this.logitsTensor(x);
      });
      field.set(await out.field.data() as Float32Array, s * F);
      cluster.set(await out.cluster.data() as Float32Array, s * C);
      out.field.dispose(); out.cluster.dispose();
    }
    return { field, cluster };
  }

  /** Calibrated probabilities from logits. */
  calibrated(l: HeadOutputs): HeadOutputs {
    return {
      field: softmaxRows(l.field, this.fieldLabels.length, this.manifest.temperature.field),
      cluster: softmaxRows(l.cluster, this.clusterLabels.length, this.manifest.temperature.cluster),
    };
  }

  /** Calibrated probabilities (temperature-scaled softmax) for n rows. */
  async predict(X: Float32Array, n: number): Promise<HeadOutputs> {
    const l = await this.logits(X, n);
    return {
      field: softmaxRows(l.field, this.fieldLabels.length, this.manifest.temperature.field),
      cluster: softmaxRows(l.cluster, this.clusterLabels.length, this.manifest.temperature.cluster),
    };
  }

  /** Manifest plus weights as bytes (both storable in model_versions). */
  async toArtifacts(): Promise<{ manifest: ModelManifest; weights: Uint8Array }> {
    const parts: Float32Array[] = [];
    let offset = 0;
    const entries: ModelManifest['weights'] = [];
    for (const [name, v] of this.vars) {
      const data = (await v.data()) as Float32Array;
      entries.push({ name, shape: v.shape, offset });
      parts.push(data);
      offset += data.length;
    }
    const all = new Float32Array(offset);
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    const manifest = { ...this.manifest, weights: entries };
    return { manifest, weights: new Uint8Array(all.buffer) };
  }

  /** Rebuild a model from its artifacts; throws naming what does not fit. */
  static async fromArtifacts(manifest: ModelManifest, weights: Uint8Array): Promise<CareerModel> {
    await ensureBackend();
    if (manifest.format !== MODEL_FORMAT) throw new Error(`career model: format '${manifest.format}' is not ${MODEL_FORMAT}`);
    if (manifest.featureSchemaVersion !== FEATURE_SCHEMA_VERSION || manifest.featureNames.length !== FEATURE_COUNT) {
      throw new Error(`career model: built for features ${manifest.featureSchemaVersion} (${manifest.featureNames.length}), this code has ${FEATURE_SCHEMA_VERSION} (${FEATURE_COUNT})`);
    }
    if (weights.byteLength % 4 !== 0) throw new Error('career model: weights file length is not a multiple of 4');
    const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
    const vars = new Map<string, tf.Variable>();
    for (const w of manifest.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.offset + size > floats.length) throw new Error(`career model: weights file too short for ${w.name}`);
      vars.set(w.name, tf.variable(tf.tensor(floats.subarray(w.offset, w.offset + size), w.shape), false, undefined));
    }
    const m = new CareerModel(manifest, vars);
    m.frozen = true;
    return m;
  }

  /** Train a new model on labelled rows. Deterministic for a seed on one backend. */
  static async train(data: TrainingData, opts: TrainOptions): Promise<CareerModel> {
    const backend = await ensureBackend();
    const hidden = opts.hidden ?? [64, 32];
    const epochs = opts.epochs ?? 12;
    const batchSize = opts.batchSize ?? 1024;
    const learningRate = opts.learningRate ?? 0.003;
    const F = opts.fieldLabels.length, C = opts.clusterLabels.length;
    const rng = createRng(opts.seed);
    const { X, n } = data;
    if (X.length !== n * FEATURE_COUNT) throw new Error(`career training: X has ${X.length} values, expected ${n} × ${FEATURE_COUNT}`);
    if (n < 20) throw new Error(`career training: ${n} students is too few (need at least 20)`);

    // Hold out a calibration split first (seeded), then fit the normaliser on the rest.
    const order = permutation(n, rng);
    const nCal = Math.max(10, Math.round(n * (opts.calibrationFraction ?? 0.1)));
    const calIdx = order.subarray(0, nCal), trainIdx = order.subarray(nCal);
    const { mean, std } = normaliser(X, trainIdx);

    const vars = new Map<string, tf.Variable>();
    let inSize = FEATURE_COUNT;
    hidden.forEach((h, i) => {
      vars.set(`W${i}`, tf.variable(glorot(inSize, h, rng)));
      vars.set(`b${i}`, tf.variable(tf.zeros([h])));
      inSize = h;
    });
    vars.set('Wf', tf.variable(glorot(inSize, F, rng))); vars.set('bf', tf.variable(tf.zeros([F])));
    vars.set('Wc', tf.variable(glorot(inSize, C, rng))); vars.set('bc', tf.variable(tf.zeros([C])));

    const manifest: ModelManifest = {
      format: MODEL_FORMAT, featureSchemaVersion: FEATURE_SCHEMA_VERSION, featureNames: FEATURE_SCHEMA.map((d) => d.name),
      hidden, fieldLabels: opts.fieldLabels, clusterLabels: opts.clusterLabels, normalizer: { mean, std },
      temperature: { field: 1, cluster: 1 }, weights: [],
      training: {
        description: opts.description ?? 'unspecified', synthetic: opts.synthetic ?? false, students: n, seed: opts.seed,
        epochs, batchSize, learningRate, backend,
      },
    };
    const model = new CareerModel(manifest, vars);

    const xAll = tf.tensor2d(X, [n, FEATURE_COUNT]);
    // Unknown labels (-1) become class 0 with weight 0.
    const yF = tf.tensor1d(data.yField.map((y) => Math.max(y, 0)), 'int32');
    const yC = tf.tensor1d(data.yCluster.map((y) => Math.max(y, 0)), 'int32');
    const kF = tf.tensor1d(Float32Array.from(data.yField, (y) => (y >= 0 ? 1 : 0)));
    const kC = tf.tensor1d(Float32Array.from(data.yCluster, (y) => (y >= 0 ? 1 : 0)));
    const optimizer = tf.train.adam(learningRate);
    const nTrain = trainIdx.length;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const shuffled = permutation(nTrain, rng);
      let lossSum = 0, batches = 0;
      for (let s = 0; s < nTrain; s += batchSize) {
        const ids = new Int32Array(Math.min(batchSize, nTrain - s));
        for (let i = 0; i < ids.length; i++) ids[i] = trainIdx[shuffled[s + i]];
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(ids, 'int32');
          const xb = tf.gather(xAll, idx) as tf.Tensor2D;
          const yf = tf.gather(yF, idx), yc = tf.gather(yC, idx), kf = tf.gather(kF, idx), kc = tf.gather(kC, idx);
          return optimizer.minimize(() => {
            const out = model.logitsTensor(xb);
            return tf.add(maskedCrossEntropy(out.field, yf, kf, F), maskedCrossEntropy(out.cluster, yc, kc, C)) as tf.Scalar;
          }, true) as tf.Scalar;
        });
        lossSum += (await loss.data())[0];
        loss.dispose();
        batches++;
      }
      opts.onEpoch?.(epoch + 1, lossSum / batches);
    }
    for (const t of [xAll, yF, yC, kF, kC]) t.dispose();
    optimizer.dispose();

    // Temperature scaling on the held-out split.
    const Xc = new Float32Array(nCal * FEATURE_COUNT);
    const yfc = new Int32Array(nCal), ycc = new Int32Array(nCal);
    calIdx.forEach((r, i) => { Xc.set(X.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), i * FEATURE_COUNT); yfc[i] = data.yField[r]; ycc[i] = data.yCluster[r]; });
    const l = await model.logits(Xc, nCal);
    manifest.temperature = { field: fitTemperature(l.field, yfc, F), cluster: fitTemperature(l.cluster, ycc, C) };
    model.frozen = true;
    return model;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.folded?.W.dispose(); this.folded?.b.dispose();
  }
}

/** Softmax cross-entropy averaged over rows whose label is known (label ≥ 0). */
function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor, known: tf.Tensor, classes: number): tf.Scalar {
  const onehot = tf.oneHot(labels as tf.Tensor1D, classes);
  const logp = tf.logSoftmax(logits);
  const perRow = tf.neg(tf.sum(tf.mul(onehot, logp), 1));
  return tf.div(tf.sum(tf.mul(perRow, known)), tf.maximum(tf.sum(known), 1)) as tf.Scalar;
}

/** Glorot-uniform weights from the seeded generator (backend-independent). */
function glorot(fanIn: number, fanOut: number, rng: Rng): tf.Tensor2D {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (rng.next() * 2 - 1) * limit;
  return tf.tensor2d(w, [fanIn, fanOut]);
}

/** Per-feature mean and standard deviation over the given rows (sd floor 1e-3 → constant features pass through centred). */
function normaliser(X: Float32Array, rows: Int32Array): { mean: number[]; std: number[] } {
  const d = FEATURE_COUNT;
  const sum = new Float64Array(d), sq = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) { const x = X[r * d + j]; sum[j] += x; sq[j] += x * x; }
  const mean: number[] = [], std: number[] = [];
  for (let j = 0; j < d; j++) {
    const m = sum[j] / rows.length;
    const sd = Math.sqrt(Math.max(0, sq[j] / rows.length - m * m));
    mean.push(m); std.push(sd < 1e-3 ? 1 : sd);
  }
  return { mean, std };
}

/**
 * Calibration: temperature scaling (one scalar per head, Guo et al. 2017) fitted by minimising
 * the negative log-likelihood on held-out rows, and the expected calibration error with its
 * reliability diagram.
 */

/** Row-wise softmax of logits / T (row-major, `k` classes). */
export function softmaxRows(logits: Float32Array, k: number, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[r + j] / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) { const e = Math.exp(logits[r + j] / temperature - max); out[r + j] = e; sum += e; }
    for (let j = 0; j < k; j++) out[r + j] /= sum;
  }
  return out;
}

/** Mean negative log-likelihood of known labels (label < 0 skipped). */
export function nll(logits: Float32Array, labels: Int32Array, k: number, temperature: number): number {
  let total = 0, n = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0) continue;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j] / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] / temperature - max);
    total += -(logits[i * k + y] / temperature - max - Math.log(sum));
    n++;
  }
  return n ? total / n : 0;
}

/** The temperature in [0.2, 10] that minimises held-out NLL (golden-section search on log T). */
export function fitTemperature(logits: Float32Array, labels: Int32Array, k: number): number {
  let a = Math.log(0.2), b = Math.log(10);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = nll(logits, labels, k, Math.exp(c)), fd = nll(logits, labels, k, Math.exp(d));
  for (let it = 0; it < 40; it++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = nll(logits, labels, k, Math.exp(c)); }
    else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = nll(logits, labels, k, Math.exp(d)); }
  }
  return Math.round(Math.exp((a + b) / 2) * 1e4) / 1e4;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin { lower: number; upper: number; count: number; confidence: number; accuracy: number }

/**
 * Expected calibration error of the top-1 prediction with `bins` equal-width confidence bins,
 * and the bins themselves (the reliability diagram).
 */
export function expectedCalibrationError(probs: Float32Array, labels: Int32Array, k: number, bins = 15): { ece: number; bins: ReliabilityBin[] } {
  const acc = new Float64Array(bins), conf = new Float64Array(bins), cnt = new Float64Array(bins);
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    const p = probs[i * k + best];
    const b = Math.min(bins - 1, Math.floor(p * bins));
    cnt[b]++; conf[b] += p; acc[b] += best === labels[i] ? 1 : 0; n++;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (cnt[b] > 0) ece += (cnt[b] / n) * Math.abs(acc[b] / cnt[b] - conf[b] / cnt[b]);
    out.push({ lower: b / bins, upper: (b + 1) / bins, count: cnt[b], confidence: cnt[b] ? conf[b] / cnt[b] : 0, accuracy: cnt[b] ? acc[b] / cnt[b] : 0 });
  }
  return { ece, bins: out };
}

/** A text reliability diagram: one line per non-empty bin with accuracy and confidence bars. */
export function reliabilityDiagramText(bins: ReliabilityBin[], width = 40): string {
  const lines = ['confidence bin    n       conf   acc    |accuracy bar (# = acc, | = conf)'];
  for (const b of bins) {
    if (!b.count) continue;
    const bar: string[] = Array.from({ length: width }, (_, i) => (i < Math.round(b.accuracy * width) ? '#' : ' '));
    const c = Math.min(width - 1, Math.round(b.confidence * width));
    bar[c] = '|';
    lines.push(`${b.lower.toFixed(2)}–${b.upper.toFixed(2)}  ${String(b.count).padStart(7)}  ${b.confidence.toFixed(3)}  ${b.accuracy.toFixed(3)}  ${bar.join('')}`);
  }
  return lines.join('\n');
}

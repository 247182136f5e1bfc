/**
 * Category probabilities and their derivatives with respect to the item parameters ("slots"),
 * the one model-specific piece the EM M-step, the marginal score and the SEs need.
 *
 * Slots: dichotomous [a, b, c, d]; GRM [a, b_1..b_m]; GPCM/PCM [a, s_1..s_m].
 */
import type { IrtModel } from '../model.ts';

export function slotCount(model: IrtModel, categories: number): number {
  return model === 'grm' || model === 'gpcm' || model === 'pcm' ? categories : 4;
}

function logistic(x: number): number {
  if (x > 35) return 1 - 1e-15;
  if (x < -35) return 1e-15;
  return 1 / (1 + Math.exp(-x));
}

/**
 * Fills P[k] (k = 0..K−1) and J[k * S + s] = ∂P_k/∂slot_s at ability θ.
 * `z` is scratch of length ≥ K (used by GPCM).
 */
export function probsAndJacobian(model: IrtModel, K: number, v: Float64Array, theta: number, P: Float64Array, J: Float64Array, z: Float64Array): void {
  if (model === 'grm') {
    const S = K;
    const a = v[0];
    J.fill(0, 0, K * S);
    // P*_k for k = 1..m at index k; P*_0 = 1, P*_K = 0.
    let prevP = 1;
    let prevW = 0;
    let prevT = 0;
    for (let k = 0; k < K; k++) {
      let ps = 0;
      let w = 0;
      let t = 0;
      if (k < K - 1) {
        t = v[k + 1];
        ps = logistic(a * (theta - t));
        w = ps * (1 - ps);
      }
      let p = prevP - ps;
      if (p < 1e-15) p = 1e-15;
      P[k] = p;
      // ∂P_k/∂a = w_k(θ − t_k) − w_{k+1}(θ − t_{k+1}); ∂P_k/∂t_k = −a w_k; ∂P_k/∂t_{k+1} = a w_{k+1}
      J[k * S] = prevW * (theta - prevT) - w * (theta - t);
      if (k > 0) J[k * S + k] = -a * prevW;
      if (k < K - 1) J[k * S + k + 1] = a * w;
      prevP = ps;
      prevW = w;
      prevT = t;
    }
    return;
  }
  if (model === 'gpcm' || model === 'pcm') {
    const S = K;
    const a = v[0];
    // z_k = a Σ_{v≤k}(θ − s_v); ∂z_k/∂a = Σ_{v≤k}(θ − s_v); ∂z_k/∂s_v = −a [v ≤ k]
    let cum = 0;
    let zmax = 0;
    z[0] = 0;
    for (let k = 1; k < K; k++) {
      cum += theta - v[k];
      z[k] = a * cum;
      if (z[k] > zmax) zmax = z[k];
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      P[k] = Math.exp(z[k] - zmax);
      sum += P[k];
    }
    for (let k = 0; k < K; k++) P[k] /= sum;
    // E[∂z/∂a] and E[∂z/∂s_v] = −a P(X ≥ v)
    let ea = 0;
    cum = 0;
    for (let k = 1; k < K; k++) {
      cum += theta - v[k];
      ea += P[k] * cum;
    }
    cum = 0;
    for (let k = 0; k < K; k++) {
      if (k > 0) cum += theta - v[k];
      const pk = P[k];
      J[k * S] = pk * (cum - ea);
      let tail = 0; // P(X ≥ s) accumulated from the top
      for (let s = K - 1; s >= 1; s--) {
        tail += P[s];
        const dz = s <= k ? -a : 0;
        J[k * S + s] = pk * (dz + a * tail);
      }
    }
    for (let k = 0; k < K; k++) if (P[k] < 1e-15) P[k] = 1e-15;
    return;
  }
  const a = v[0];
  const b = v[1];
  const c = v[2];
  const d = v[3];
  const ps = logistic(a * (theta - b));
  const w = ps * (1 - ps);
  let p1 = c + (d - c) * ps;
  if (p1 < 1e-15) p1 = 1e-15;
  if (p1 > 1 - 1e-15) p1 = 1 - 1e-15;
  P[0] = 1 - p1;
  P[1] = p1;
  const da = (d - c) * w * (theta - b);
  const db = -(d - c) * w * a;
  const dc = 1 - ps;
  const dd = ps;
  J[0] = -da;
  J[1] = -db;
  J[2] = -dc;
  J[3] = -dd;
  J[4] = da;
  J[5] = db;
  J[6] = dc;
  J[7] = dd;
}

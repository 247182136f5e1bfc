/**
 * Equally spaced quadrature for a normal ability distribution (as mirt does: rectangular nodes
 * with normal-density weights normalised to 1). Accurate for the smooth integrands of IRT: the
 * trapezoid rule on a Gaussian converges faster than any power of the spacing.
 */
export interface Quadrature {
  nodes: Float64Array;
  weights: Float64Array;
  logWeights: Float64Array;
}

/** `n` nodes on [lo, hi] with weights ∝ N(mean, sd²) density, summing to 1. */
export function normalQuadrature(n = 61, lo = -6, hi = 6, mean = 0, sd = 1): Quadrature {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const logWeights = new Float64Array(n);
  setNormalWeights(nodes, weights, logWeights, lo, hi, mean, sd);
  return { nodes, weights, logWeights };
}

/** (Re)fills nodes and the normal weights in place — used when the latent mean/SD is estimated. */
export function setNormalWeights(nodes: Float64Array, weights: Float64Array, logWeights: Float64Array, lo: number, hi: number, mean: number, sd: number): void {
  const n = nodes.length;
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  let s = 0;
  for (let q = 0; q < n; q++) {
    nodes[q] = n > 1 ? lo + q * step : mean;
    const z = (nodes[q] - mean) / sd;
    weights[q] = Math.exp(-0.5 * z * z);
    s += weights[q];
  }
  for (let q = 0; q < n; q++) {
    weights[q] /= s;
    logWeights[q] = Math.log(weights[q] > 1e-300 ? weights[q] : 1e-300);
  }
}

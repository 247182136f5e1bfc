/**
 * Seeded random numbers for template processing, shuffling and the random operators:
 * the same seed always gives the same item. mulberry32: tiny, fast, good enough for this use
 * (not for secrets).
 */
export type Rng = () => number;

/** Hashes any string or number seed to 32 bits (FNV-1a) so "candidate-42" works as a seed. */
export function seedToInt(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed)) return seed >>> 0;
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A generator of floats in [0, 1). */
export function mulberry32(seed: number | string): Rng {
  let a = seedToInt(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/**
 * Shuffles `items` in place of the non-fixed positions only (QTI: fixed choices keep their
 * place, the others are permuted among the remaining places). Fisher-Yates on the free slots.
 */
export function shuffleWithFixed<T>(items: T[], isFixed: (t: T) => boolean, rng: Rng): T[] {
  const out = items.slice();
  const free: number[] = [];
  for (let i = 0; i < out.length; i++) if (!isFixed(out[i])) free.push(i);
  const vals = free.map((i) => out[i]);
  for (let i = vals.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = vals[i];
    vals[i] = vals[j];
    vals[j] = t;
  }
  free.forEach((slot, k) => (out[slot] = vals[k]));
  return out;
}

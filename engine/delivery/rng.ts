/**
 * Seeded randomness for per-candidate selection and ordering. A session stores its seed,
 * so rebuilding the plan after a restart gives the same items in the same order.
 * mulberry32: small, fast, good enough for shuffles (not for secrets).
 */
import { seedFromString, type Rng } from '../../analytics/random.ts';
export { mulberry32, type Rng } from '../../analytics/random.ts';

/** A 32-bit seed derived from text (e.g. event id + candidate id), FNV-1a. */
export const seedFromText = seedFromString;

/** Fisher–Yates in place. */
export function shuffleInPlace<T>(arr: T[], rng: Rng): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
  return arr;
}

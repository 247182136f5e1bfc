/**
 * Seeded random numbers for CAT and simulation. The step function takes an `Rng` so the engine can
 * pass one seeded per candidate (selection is then reproducible from the seed and the responses).
 */

export { mulberry32, seedFromString, normal, type Rng } from '../random.ts';

/**
 * A uniform number in [0, 1) fixed by (key, index): the Sympson–Hetter lottery for item `index`
 * drawn once per candidate, so an item passed over stays passed over for that candidate.
 */
export function keyedUnit(key: number, index: number): number {
  let t = (key ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
  t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
  return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
}

/**
 * The fast path's cheap answer check (isPlainAnswer) may only say "plain" for bodies that zod
 * accepts AND returns unchanged; for everything else zod decides (and names the field).
 */
import { describe, expect, it } from 'vitest';
import { AnswerSchema, HeartbeatSchema, isPlainAnswer, isPlainBeat } from './routes.ts';
import { mulberry32 } from '../../analytics/random.ts';

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]!;

describe('isPlainAnswer agrees with the zod schema', () => {
  it('plain bodies are exactly those zod returns unchanged (random bodies)', () => {
    const r = mulberry32(7);
    const strings = ['', 'a', 'item-1', 'x'.repeat(200), 'x'.repeat(201), 'ü', null, undefined, 5];
    const seqs = [0, 1, 2_147_483_647, 2_147_483_648, -1, 1.5, NaN, '3', null, undefined, Number.MAX_SAFE_INTEGER];
    let plain = 0;
    for (let i = 0; i < 20_000; i++) {
      const b: Record<string, unknown> = {};
      if (r() < 0.95) b.itemId = pick(r, strings);
      if (r() < 0.4) b.responseId = pick(r, strings);
      if (r() < 0.95) b.value = pick(r, ['A', null, ['A', 'B'], { R1: 'x' }, 3, undefined]);
      if (r() < 0.95) b.clientSeq = pick(r, seqs);
      if (r() < 0.05) b.extra = 1;
      for (const k of Object.keys(b)) if (b[k] === undefined && r() < 0.7) delete b[k];
      const body = r() < 0.02 ? pick(r, [null, [], 'x', 3]) : JSON.parse(JSON.stringify(b));
      const z = AnswerSchema.safeParse(body);
      if (isPlainAnswer(body)) {
        plain++;
        expect(z.success, JSON.stringify(body)).toBe(true);
        expect(z.data, JSON.stringify(body)).toEqual(body);
      }
    }
    expect(plain).toBeGreaterThan(1000);
  });

  it('the common bodies are plain; a bad field is not (zod then names it)', () => {
    expect(isPlainAnswer({ itemId: 'i1', value: 'A', clientSeq: 3 })).toBe(true);
    expect(isPlainAnswer({ itemId: 'i1', responseId: 'RESPONSE', value: ['A'], clientSeq: 0 })).toBe(true);
    expect(isPlainAnswer({ itemId: 'i1', value: null, clientSeq: -1 })).toBe(false);
    expect(isPlainAnswer({ itemId: 'i1', value: 'A', clientSeq: 1, more: true })).toBe(false);
    expect(isPlainBeat({})).toBe(true);
    expect(isPlainBeat({ messagesSince: 0 })).toBe(false);
    expect(HeartbeatSchema.safeParse({}).data).toEqual({});
  });
});

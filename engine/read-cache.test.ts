import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.ts';

describe('ReadCache', () => {
  it('serves a value for its TTL, shares one read among concurrent misses, and forgets on demand', async () => {
    let now = 0;
    let reads = 0;
    const c = new ReadCache(async (k: string) => `${k}${++reads}`, { ttlMs: 1000, now: () => now });
    expect(await Promise.all([c.get('e'), c.get('e'), c.get('e')])).toEqual(['e1', 'e1', 'e1']);
    now = 999;
    expect(await c.get('e')).toBe('e1');
    now = 1000;
    expect(await c.get('e')).toBe('e2');
    c.forget('e');
    expect(await c.get('e')).toBe('e3');
  });

  it('reads again when a cached value is not usable, and never caches a failed read', async () => {
    let reads = 0;
    const states = ['draft', 'published'];
    const c = new ReadCache(async () => states[Math.min(reads++, 1)]!, { ttlMs: 60_000, usable: (v) => v === 'published' });
    expect(await c.get('e')).toBe('draft');
    expect(await c.get('e')).toBe('published');
    expect(await c.get('e')).toBe('published');
    expect(reads).toBe(2);
    let fail = true;
    const f = new ReadCache(async () => {
      if (fail) throw new Error('down');
      return 1;
    }, { ttlMs: 60_000 });
    await expect(f.get('x')).rejects.toThrow('down');
    fail = false;
    expect(await f.get('x')).toBe(1);
  });
});

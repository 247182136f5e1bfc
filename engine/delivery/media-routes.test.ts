import { describe, expect, it } from 'vitest';
import { parseItem } from '../../item-bank/index.ts';
import { LISTEN_MAP_XML } from '../../fixtures/player/practice-media.ts';
import { byteRange, isPackageRelative, mediaReferences, resolveMediaPath } from './media-routes.ts';

describe('candidate media paths', () => {
  it('resolves references against the item path and refuses escapes', () => {
    expect(resolveMediaPath('items/a.xml', 'images/map.png')).toBe('items/images/map.png');
    expect(resolveMediaPath('items/a.xml', '../media/listening1.mp3')).toBe('media/listening1.mp3');
    expect(resolveMediaPath('items/a.xml', './images/x%20y.png?v=2#t')).toBe('items/images/x y.png');
    expect(resolveMediaPath('a.xml', 'images/map.png')).toBe('images/map.png');
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'https://x/y.png', 'data:image/png;base64,AA', 'file:///etc/passwd', '..\\x', '%2e%2e/%2e%2e/x', '#frag', '']) {
      expect(resolveMediaPath('items/a.xml', bad), bad).toBeUndefined();
    }
    expect(isPackageRelative('javascript:alert(1)')).toBe(false);
  });

  it('lists the media an item references (img, object in interactions)', () => {
    const item = parseItem(LISTEN_MAP_XML).item!;
    expect([...mediaReferences(item)].sort()).toEqual(['../media/listening1.wav', 'images/map.png']);
  });

  it('parses one byte range', () => {
    expect(byteRange(undefined, 100)).toBeNull();
    expect(byteRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(byteRange('bytes=90-', 100)).toEqual([90, 99]);
    expect(byteRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(byteRange('bytes=50-500', 100)).toEqual([50, 99]);
    expect(byteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=0-1,5-6', 100)).toBeNull();
  });
});

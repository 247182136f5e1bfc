import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVE_NODE_FLAGS, missingServeFlags } from './runtime-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('node flags of an engine process', () => {
  it('npm start passes every flag, and the flag reaches V8: the young generation grows past its default', () => {
    const start = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    for (const f of SERVE_NODE_FLAGS) expect(start.split(' ')).toContain(f);
    // A process started with the flags reports a larger new space after churn than one without.
    const probe = "const v8=require('node:v8');let k=[];for(let i=0;i<4e6;i++){k.push({i});if(k.length>400000)k=[]}console.log(v8.getHeapSpaceStatistics().find(s=>s.space_name==='new_space').space_size)";
    const run = (args: string[]) => Number(spawnSync(process.execPath, [...args, '-e', probe], { encoding: 'utf8' }).stdout.trim());
    expect(run([...SERVE_NODE_FLAGS])).toBeGreaterThan(run([]));
  });

  it('finds a missing flag on the command line or in NODE_OPTIONS; any size given on purpose counts', () => {
    expect(missingServeFlags([], '')).toEqual([...SERVE_NODE_FLAGS]);
    expect(missingServeFlags(['--max-semi-space-size=64'], '')).toEqual([]);
    expect(missingServeFlags([], '--max-semi-space-size=128')).toEqual([]);
    expect(missingServeFlags(['--max_semi_space_size=32'], '')).toEqual([]);
    expect(missingServeFlags(['--inspect'], '--max-old-space-size=4096')).toEqual([...SERVE_NODE_FLAGS]);
  });
});

#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `assay` command: runs the TypeScript sources through tsx's loader,
// so a clone works without a build step. The node flag is engine/runtime-flags.ts's (why: there).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../engine/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;

#!/usr/bin/env node
// Entry point of the `assay` command: runs the TypeScript sources through tsx's loader,
// so a clone works without a build step. `npm start` adds the node flags of an engine process
// (engine/runtime-flags.ts); a plain `env node` shebang because BusyBox's env has no -S.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../engine/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;

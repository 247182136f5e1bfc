/**
 * The `assay` command: a thin dispatcher. Each subcommand lives in its own file under
 * `commands/` and exports `run(args: string[]): Promise<number>` (the exit code) and a
 * one-line `summary`. Commands are loaded lazily so `assay score` does not pay for the
 * database driver or tfjs.
 */
export interface CliCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

/** Subcommand name -> module under ./commands/. */
const COMMANDS: Record<string, string> = {
  serve: 'serve',
  migrate: 'migrate',
  seed: 'seed',
  users: 'users',
  audit: 'audit',
  validate: 'validate',
  import: 'import',
  export: 'export',
  score: 'score',
  calibrate: 'calibrate',
  theta: 'theta',
  cat: 'cat',
  items: 'items',
  career: 'career',
};

async function load(name: string): Promise<CliCommand | undefined> {
  const file = COMMANDS[name];
  if (!file) return undefined;
  try {
    return (await import(`./commands/${file}.ts`)) as CliCommand;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`commands/${file}.ts`)) return undefined;
    throw err;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = ['Usage: assay <command> [options]', '', 'Commands:'];
    for (const n of Object.keys(COMMANDS)) {
      const cmd = await load(n);
      if (cmd) lines.push(`  ${n.padEnd(10)} ${cmd.summary}`);
    }
    console.log(lines.join('\n'));
    return name ? 0 : 1;
  }
  const cmd = await load(name);
  if (!cmd) {
    console.error(`assay: unknown command '${name}'. Run 'assay --help' for the list.`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    // Bad input is reported by the commands themselves; anything reaching here is a bug,
    // but the user still gets one line, not a stack trace, unless ASSAY_DEBUG is set.
    const e = err as Error;
    console.error(`assay ${name}: ${e.message}`);
    if (process.env.ASSAY_DEBUG) console.error(e.stack);
    return 1;
  }
}

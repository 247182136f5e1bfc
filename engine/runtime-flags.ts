/**
 * Node flags of an engine process (`assay serve`). Why: V8's young generation (16 MB semi-spaces
 * by default) is collected so often under exam-day load that the requests in flight — an
 * answer lives for one group commit — are copied at every scavenge and promoted into the old
 * generation. With 64 MB semi-spaces most of them die before a scavenge: bench:load measured
 * 133–137 µs of server CPU per answer with the default and 100–104 µs at 64 MB or more
 * (2,000 candidates on SQLite, docs/delivery.md). The space grows only as it is used.
 *
 * V8 reads the flag when the heap is made, so it cannot be set from inside the process: the
 * start script and bin/assay.mjs's shebang pass it (a test keeps them in step with this list),
 * cluster workers inherit it, and `assay serve` warns when it is missing.
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

/** The flags of SERVE_NODE_FLAGS this process was started without (command line or NODE_OPTIONS). */
export function missingServeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  // Any size given on purpose counts: the operator may have chosen another one.
  const nameOf = (flag: string) => flag.split('=')[0]!.replace(/_/g, '-');
  return SERVE_NODE_FLAGS.filter((f) => !given.some((g) => nameOf(g) === nameOf(f)));
}

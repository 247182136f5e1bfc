/**
 * Node flags of an engine process (`assay serve`). Why: V8's young generation (16 MB semi-spaces
 * by default) is collected so often under exam-day load that the requests in flight — an
 * answer lives for one group commit — are copied at nearly every scavenge. Measured with
 * bench:load (2,000 candidates on SQLite, ≈ 7,500 answers/s, docs/delivery.md "Session 5"), on
 * a quiet machine: the main thread stood in scavenges 150–340 ms of every 2 s with the default
 * and 98–144 ms at 64 MB, with single pauses a little longer (at most 15–27 ms against 9–17);
 * the process's total CPU per answer stayed the same (113–125 µs: V8's helper threads do much
 * of a scavenge). With other work on the machine it fell from 133–137 to 100–104 µs. The
 * main thread is what runs out first at 10,000 answers/s. The space grows only as it is used.
 *
 * V8 reads the flag when the heap is made, so it cannot be set from inside the process: the
 * start script passes it (a test keeps it in step with this list), cluster workers inherit it,
 * and `assay serve` started otherwise warns that it is missing (NODE_OPTIONS works too). Not in
 * bin/assay.mjs's shebang: `env -S` is not in BusyBox (Alpine images).
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

/** The flags of SERVE_NODE_FLAGS this process was started without (command line or NODE_OPTIONS). */
export function missingServeFlags(execArgv: readonly string[], nodeOptions: string): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  // Any size given on purpose counts: the operator may have chosen another one.
  const nameOf = (flag: string) => flag.split('=')[0]!.replace(/_/g, '-');
  return SERVE_NODE_FLAGS.filter((f) => !given.some((g) => nameOf(g) === nameOf(f)));
}

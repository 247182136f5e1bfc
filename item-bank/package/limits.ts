/**
 * Safety limits checked before any byte of a package is decompressed or stored.
 * They are parameters (not constants read from the environment) so the engine's config and
 * the tests can tighten them.
 */
export interface PackageLimits {
  /** Size of the package file itself (zip bytes). */
  maxPackageBytes: number;
  /** Sum of the declared uncompressed sizes of all entries. */
  maxTotalUncompressedBytes: number;
  /** Declared uncompressed size of any single entry. */
  maxFileBytes: number;
  /** Number of entries (files and folders). */
  maxFiles: number;
  /** Uncompressed/compressed ratio above which an entry is treated as a zip bomb... */
  maxCompressionRatio: number;
  /** ...but only for entries at least this large uncompressed (small XML compresses well legitimately). */
  ratioCheckMinBytes: number;
  /** Longest entry path accepted. */
  maxPathLength: number;
  /** Largest XML file parsed (bytes). */
  maxXmlBytes: number;
  /** Deepest XML element nesting parsed. */
  maxXmlDepth: number;
}

const MiB = 1024 * 1024;

/** Defaults sized for exam-board banks: thousands of items, audio for listening tests. */
export const DEFAULT_LIMITS: PackageLimits = {
  maxPackageBytes: 200 * MiB,
  maxTotalUncompressedBytes: 500 * MiB,
  maxFileBytes: 100 * MiB,
  maxFiles: 20_000,
  maxCompressionRatio: 100,
  ratioCheckMinBytes: 1 * MiB,
  maxPathLength: 512,
  maxXmlBytes: 10 * MiB,
  maxXmlDepth: 256,
};

/** DEFAULT_LIMITS with some values replaced. */
export function withLimits(overrides: Partial<PackageLimits> = {}): PackageLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** Small helpers shared by the repositories. */
import { createHash, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const first = <T>(rows: T[]): T | undefined => rows[0];

/** Drops undefined members so a patch does not overwrite columns with NULL. */
export function defined<T extends object>(patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

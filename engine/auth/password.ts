/**
 * Staff passwords: argon2id (@node-rs/argon2, OWASP parameters: 19 MiB, 2 passes).
 */
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password (PHC string `$argon2id$...`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** A hash of a random password, verified against when the username does not exist, so the
 * response time does not reveal which usernames exist. */
let dummy: Promise<string> | undefined;

/** Verifies a password; `stored` undefined still spends the same time. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword(`no-such-user-${Math.random()}`);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Minimum rules for staff passwords (length beats composition rules). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'password must be at least 10 characters';
  if (password.length > 256) return 'password must be at most 256 characters';
  return undefined;
}

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type JwtSecretSource = 'env' | 'file' | 'generated';

export interface ResolvedJwtSecret {
  readonly secret: string;
  readonly source: JwtSecretSource;
  readonly file: string | undefined;
}

const MIN_LENGTH = 32;

/**
 * Reads the secret kept at `file`, or creates it (48 random bytes, base64url, mode 0600) when there is
 * none. Creation uses an exclusive open, so two processes starting together end up with the same secret.
 */
export function resolveJwtSecret(file: string): ResolvedJwtSecret {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fresh = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${fresh}\n`, { flag: 'wx', mode: 0o600 });
    return { secret: fresh, source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_LENGTH) {
    throw new Error(
      `The JWT secret in ${file} is shorter than ${MIN_LENGTH} characters. Delete the file to have a new one generated (tokens issued so far stop working), or set JWT_SECRET.`,
    );
  }
  // Keep the file private even if it was copied or restored with looser permissions.
  if ((statSync(file).mode & 0o077) !== 0) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // Filesystems without Unix permissions (some mounted volumes) refuse; the secret is still usable.
    }
  }
  return { secret, source: 'file', file };
}

// Where the generated bootstrap admin token is kept. Only node:fs here, so the CLI's client commands
// can read it without loading the database layer.
import fs from 'node:fs';
import path from 'node:path';

export function adminTokenFile(dataDir: string): string {
  return path.join(dataDir, 'admin-token');
}

/** Reads the saved admin token, if there is one. */
export function readAdminTokenFile(dataDir: string): string | undefined {
  try {
    const text = fs.readFileSync(adminTokenFile(dataDir), 'utf8').trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

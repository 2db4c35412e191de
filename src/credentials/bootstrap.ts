// First start: make sure the admin user and the bootstrap admin token exist. The token comes from
// VIGIL_ADMIN_TOKEN, else from <data dir>/admin-token, else it is generated, saved there (0600) and
// returned so the caller can print it once.
import fs from 'node:fs';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { newId } from '../ids.js';
import { findUser, insertUser } from '../users/index.js';
import { adminTokenFile, readAdminTokenFile } from '../access/index.js';
import { digest, generateToken, hintOf } from '../access/index.js';
import { upsertBootstrapToken } from './tokens.repo.js';

export const ADMIN_HANDLE = 'admin';

export interface BootstrapResult {
  /** The secret, when it was generated now and must be shown to the operator once. */
  generated: string | undefined;
  tokenFile: string | undefined;
}

export async function bootstrapAdmin(
  db: Db,
  clock: Clock,
  opts: { adminToken: string | undefined; dataDir: string },
): Promise<BootstrapResult> {
  let secret = opts.adminToken ?? readAdminTokenFile(opts.dataDir);
  let generated: string | undefined;
  let tokenFile: string | undefined;
  if (!secret) {
    secret = generateToken();
    generated = secret;
    tokenFile = adminTokenFile(opts.dataDir);
    fs.mkdirSync(opts.dataDir, { recursive: true });
    fs.writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 });
    fs.chmodSync(tokenFile, 0o600);
  }
  const now = clock.now();
  const token = secret;
  const run = () =>
    inTransaction(db, async (trx) => {
      let admin = await findUser(trx, ADMIN_HANDLE);
      if (!admin) {
        admin = {
          id: newId('usr', now),
          handle: ADMIN_HANDLE,
          name: 'Administrator',
          email: 'admin@localhost',
          timezone: 'UTC',
          privacy: false,
          createdAt: now,
          updatedAt: now,
          deactivatedAt: null,
        };
        await insertUser(trx, admin);
      }
      await upsertBootstrapToken(trx, {
        id: newId('tok', now),
        userId: admin.id,
        digest: digest(token),
        hint: hintOf(token),
        at: now,
      });
    });
  try {
    await run();
  } catch (error) {
    // Another instance bootstrapped at the same moment; its rows are there now, so one retry settles it.
    if (!isUniqueViolation(error)) throw error;
    await run();
  }
  return { generated, tokenFile };
}

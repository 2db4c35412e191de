// `vigil token …` and `vigil user …`.
import { Command, type Option } from 'commander';
import { CliError, createClient, query } from '../client.js';
import { block, print, table } from '../output.js';
import { readNewPassword } from './password.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

const TOKEN_COLUMNS = {
  id: 'ID',
  name: 'NAME',
  role: 'ROLE',
  user: 'USER',
  hint: 'HINT',
  last_used_at: 'LAST USED',
  revoked_at: 'REVOKED',
};
const USER_COLUMNS = {
  handle: 'HANDLE',
  name: 'NAME',
  email: 'EMAIL',
  active: 'ACTIVE',
  privacy: 'PRIVACY',
  id: 'ID',
};

export function tokenCommands(roleOption: Option): Command {
  const token = new Command('token').description('issue, list and revoke API tokens (admin)');

  token
    .command('create')
    .description('issue a token for a user; it is printed once and cannot be shown again')
    .addOption(roleOption)
    .requiredOption('--user <handle>', 'the user who owns the token (handle or id)')
    .option('--name <name>', 'a label, e.g. "alertmanager prod"')
    .option('--json', 'print JSON')
    .action(async (o: { role: string; user: string; name?: string; json?: boolean }) => {
      const created = await createClient().request<Row>('POST', '/api/v1/tokens', {
        user: o.user,
        role: o.role,
        ...(o.name && { name: o.name }),
      });
      print(
        o,
        created,
        () =>
          `${block({ id: created.id, name: created.name, role: created.role, user: created.user })}` +
          `\n\nToken (shown once, store it now):\n\n  ${String(created.token)}\n`,
      );
    });

  token
    .command('list')
    .description('list tokens, newest first')
    .option('--user <handle>', 'only this user’s tokens')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { user?: string; limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>(
        'GET',
        `/api/v1/tokens${query({ user: o.user, limit: o.limit })}`,
      );
      print(o, result, () => table(result.data, TOKEN_COLUMNS));
    });

  token
    .command('revoke')
    .description('revoke a token; it stops working at once')
    .argument('<id>', 'token id (from token list)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const revoked = await createClient().request<Row>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      print(o, revoked, () => `revoked ${String(revoked.id)} (${String(revoked.name)})`);
    });
  return token;
}

export function userCommands(): Command {
  const user = new Command('user').description('manage people');

  user
    .command('create')
    .description('create a user (admin)')
    .requiredOption('--handle <handle>', 'unique handle, e.g. alice')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--email <email>', 'email address')
    .option('--json', 'print JSON')
    .action(async (o: { handle: string; name: string; email: string; json?: boolean }) => {
      const created = await createClient().request<Row>('POST', '/api/v1/users', {
        handle: o.handle,
        name: o.name,
        email: o.email,
      });
      print(o, created, () => block(created));
    });

  user
    .command('list')
    .description('list users')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>('GET', `/api/v1/users${query({ limit: o.limit })}`);
      print(o, result, () => table(result.data, USER_COLUMNS));
    });

  user
    .command('show')
    .description('show a user')
    .argument('<handle>', 'handle or id')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/users/${encodeURIComponent(ref)}`);
      print(o, found, () => block(found));
    });

  user
    .command('privacy')
    .description('give or take the privacy flag: a responder with it may read and change GDPR personal data (admin)')
    .argument('<handle>', 'handle or id')
    .argument('<on|off>', 'on gives the flag, off takes it')
    .option('--json', 'print JSON')
    .action(async (ref: string, state: string, o: { json?: boolean }) => {
      if (state !== 'on' && state !== 'off') throw new CliError('state: must be on or off');
      const changed = await createClient().request<Row>('PATCH', `/api/v1/users/${encodeURIComponent(ref)}`, {
        privacy: state === 'on',
      });
      print(o, changed, () => `${String(changed.handle)}: privacy ${changed.privacy ? 'on' : 'off'}`);
    });

  user
    .command('set-password')
    .description(
      'set or reset a user’s password (admin; ends their sessions); typed without echo, or piped with --password-stdin',
    )
    .argument('<handle>', 'handle or id')
    .option('--password-stdin', 'read the password from the first line of stdin instead of prompting')
    .action(async (ref: string, o: { passwordStdin?: boolean }) => {
      const password = await readNewPassword(o.passwordStdin === true);
      await createClient().request('PUT', `/api/v1/users/${encodeURIComponent(ref)}/password`, { password });
      console.log(`password set for ${ref}; their sessions were ended`);
    });
  return user;
}

// `vigil service …`.
import { Command } from 'commander';
import { createClient, query } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;
type Page = { data: Row[]; next_cursor: string | null };

export function serviceCommands(): Command {
  const service = new Command('service').description('manage services and their integration keys');
  const withKey = (s: Row) => `${block({ id: s.id, name: s.name, description: s.description })}\n\nIntegration key (shown once; use it as the PagerDuty routing_key):\n\n  ${String(s.integration_key)}\n`;

  service
    .command('create')
    .description('create a service (admin); prints its integration key once')
    .argument('<name>', 'unique service name')
    .option('--description <text>', 'what it is')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { description?: string; json?: boolean }) => {
      const created = await createClient().request<Row>('POST', '/api/v1/services', { name, ...(o.description && { description: o.description }) });
      print(o, created, () => withKey(created));
    });

  service
    .command('list')
    .description('list services')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const result = await createClient().request<Page>('GET', `/api/v1/services${query({ limit: o.limit })}`);
      print(o, result, () => table(result.data, { name: 'NAME', id: 'ID', integration_key_hint: 'KEY', description: 'DESCRIPTION' }));
    });

  service
    .command('show')
    .description('show a service')
    .argument('<service>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const found = await createClient().request<Row>('GET', `/api/v1/services/${encodeURIComponent(ref)}`);
      print(o, found, () => block(found));
    });

  service
    .command('rotate-key')
    .description('issue a new integration key (admin); the old one stops working at once')
    .argument('<service>', 'id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const rotated = await createClient().request<Row>('POST', `/api/v1/services/${encodeURIComponent(ref)}/rotate-key`);
      print(o, rotated, () => withKey(rotated));
    });

  service
    .command('delete')
    .description('delete a service with no open incidents (admin)')
    .argument('<service>', 'id or name')
    .action(async (ref: string) => {
      await createClient().request('DELETE', `/api/v1/services/${encodeURIComponent(ref)}`);
      console.log(`deleted ${ref}`);
    });
  return service;
}

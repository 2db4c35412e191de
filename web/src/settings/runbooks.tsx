// Settings → Runbooks: every runbook with what it applies to, its steps and its last change; one opens its
// page (runbook-page.tsx). Admins start a new one; everyone reads them.
import { Plus } from 'lucide-react';
import { Link } from 'react-router';
import type { Runbook, Session } from '../shared/api.ts';
import { AdminsOnly, Problem } from '../shared/form-kit.tsx';
import { useNow } from '../shared/use-now.ts';
import { absolute, ago, Badge, ButtonLink, count, DataTable, Skeleton, type Column } from '../ui/index.ts';
import { appliesToWords } from './runbook-draft.ts';
import { runbookPath, useRunbooks, useServiceNames } from './runbooks-api.ts';

export function RunbooksTab({ session }: { session: Session }) {
  const runbooks = useRunbooks();
  const services = useServiceNames();
  const now = useNow(60_000);
  const columns: ReadonlyArray<Column<Runbook>> = [
    {
      id: 'name',
      header: 'Name',
      role: 'primary',
      cell: (r) => (
        <span className="topics">
          <Link to={runbookPath(r.id)}>{r.name}</Link>
          {r.default && <Badge tone="info">Default</Badge>}
        </span>
      ),
    },
    { id: 'applies', header: 'Applies to', cell: (r) => appliesToWords(r, services.name) },
    { id: 'steps', header: 'Steps', cell: (r) => count(r.steps.length, 'step') },
    {
      id: 'changed',
      header: 'Last change',
      cell: (r) => (
        <time dateTime={r.updated_at} title={absolute(r.updated_at)}>
          {ago(r.updated_at, now)}
        </time>
      ),
    },
  ];
  return (
    <>
      <section className="ui-panel" aria-labelledby="runbooks-title">
        <header>
          <h2 id="runbooks-title">
            Runbooks{' '}
            {runbooks.data && <span className="ui-muted">· {count(runbooks.data.data.length, 'runbook')}</span>}
          </h2>
          {session.role === 'admin' && (
            <ButtonLink href="/settings/runbooks/new" variant="primary" size="sm" icon={Plus}>
              New runbook
            </ButtonLink>
          )}
        </header>
        <p className="ui-muted ui-small">
          When an incident opens it gets the checklist of the most specific runbook assigned to its service and severity
          (services and severities, then services, then severities), else the default one. Later changes here leave the
          checklists of incidents already open as they are.
        </p>
        <Problem error={runbooks.error ?? services.error} />
        {runbooks.isPending ? (
          <Skeleton lines={3} label="Loading runbooks" />
        ) : (
          <DataTable label="Runbooks" columns={columns} rows={runbooks.data?.data ?? []} rowKey={(r) => r.id} />
        )}
      </section>
      {session.role !== 'admin' && <AdminsOnly>Only admins create, change and assign runbooks.</AdminsOnly>}
    </>
  );
}

// The Subscribers tab (admins: addresses are personal data): how many are confirmed and pending, the list a page
// at a time, the CSV export, and deleting one (asked first). Others see why there is nothing here for them.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { FileDown, Mail } from 'lucide-react';
import type { Session, StatusSubscriber } from '../shared/api.ts';
import { ACTIONS, AdminsOnlyPanel, ConfirmButton, Problem } from '../shared/form-kit.tsx';
import { deleteSubscriber, getSubscribers, STATUS_KEY, SUBSCRIBERS_CSV } from '../shared/status-api.ts';
import {
  absolute,
  Badge,
  Button,
  ButtonLink,
  count,
  DataTable,
  EmptyState,
  Skeleton,
  toast,
  type Column,
} from '../ui/index.ts';

const subscribersKey = [...STATUS_KEY, 'subscribers'] as const;

export function SubscribersTab({ session }: { session: Session }) {
  if (session.role !== 'admin')
    return (
      <AdminsOnlyPanel titleId="subscribers-title" title="Subscribers">
        <p>
          Subscribers’ e-mail addresses and webhook URLs are personal data: only admins see, export and delete them.
        </p>
      </AdminsOnlyPanel>
    );
  return <Subscribers />;
}

function Subscribers() {
  const queryClient = useQueryClient();
  const pages = useInfiniteQuery({
    queryKey: subscribersKey,
    queryFn: ({ pageParam }) => getSubscribers(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const remove = useMutation({
    mutationFn: (s: StatusSubscriber) => deleteSubscriber(s.id).then(() => s),
    onSuccess: (s) => {
      void queryClient.invalidateQueries({ queryKey: subscribersKey });
      toast(`Deleted subscriber ${s.address}`);
    },
    onError: (error) => toast('The subscriber was not deleted', { tone: 'danger', detail: error.message }),
  });
  const rows = pages.data?.pages.flatMap((p) => p.data);
  const counts = pages.data?.pages[0]?.counts;

  const columns: ReadonlyArray<Column<StatusSubscriber>> = [
    {
      id: 'address',
      header: 'Address',
      role: 'primary',
      cell: (s) => <span className="status-address">{s.address}</span>,
    },
    { id: 'kind', header: 'Kind', cell: (s) => (s.kind === 'email' ? 'E-mail' : 'Webhook') },
    {
      id: 'state',
      header: 'State',
      cell: (s) =>
        s.state === 'confirmed' ? <Badge tone="success">Confirmed</Badge> : <Badge tone="warning">Pending</Badge>,
    },
    {
      id: 'components',
      header: 'Components',
      cell: (s) => (s.component_ids === null ? 'All' : count(s.component_ids.length, 'component')),
    },
    { id: 'created', header: 'Subscribed', cell: (s) => <time dateTime={s.created_at}>{absolute(s.created_at)}</time> },
    {
      id: 'actions',
      header: ACTIONS,
      role: 'end',
      cell: (s) => (
        <ConfirmButton
          label="Delete"
          confirm="Delete subscriber"
          title={`Delete ${s.address}?`}
          detail={<p>They get no more messages and their address is erased. This cannot be undone.</p>}
          onConfirm={() => remove.mutate(s)}
          disabled={remove.isPending}
        />
      ),
    },
  ];

  return (
    <section className="ui-panel" aria-labelledby="subscribers-title">
      <header>
        <h2 id="subscribers-title">Subscribers</h2>
        <ButtonLink size="sm" icon={FileDown} href={SUBSCRIBERS_CSV} download>
          Export CSV
        </ButtonLink>
      </header>
      {counts && (
        <p className="status-counts" aria-label="Subscriber counts">
          <strong>{counts.confirmed}</strong> confirmed · <strong>{counts.pending}</strong> waiting for their
          confirmation link
        </p>
      )}
      <Problem error={pages.error} />
      {rows ? (
        <DataTable
          label="Subscribers"
          rows={rows}
          columns={columns}
          rowKey={(s) => s.id}
          empty={
            <EmptyState icon={Mail} title="No subscribers yet">
              People subscribe on the public page by e-mail (with a confirmation link) or with a webhook.
            </EmptyState>
          }
        />
      ) : (
        pages.isPending && <Skeleton label="Loading subscribers" />
      )}
      {pages.hasNextPage && (
        <Button size="sm" onPress={() => void pages.fetchNextPage()} isDisabled={pages.isFetchingNextPage}>
          Show more
        </Button>
      )}
    </section>
  );
}

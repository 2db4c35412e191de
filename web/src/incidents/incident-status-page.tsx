// The incident's "Status page" panel: whether anything about it is public and what — the public title, status
// and impact, and every update customers were shown, newest first. Responders publish the next update from
// here (the dialog previews the public page first); viewers read the panel without the button.
import { useQuery } from '@tanstack/react-query';
import { Megaphone } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { getPublished, publishedKey, type UpdateStatus } from '../shared/status-api.ts';
import { PublishDialog } from '../shared/status-publish-dialog.tsx';
import { IMPACT_LABEL, UPDATE_STATUS_LABEL, UPDATE_STATUS_TONE } from '../shared/status-words.ts';
import { Problem } from '../shared/ui-kit.tsx';
import { absolute, Badge, Button, Skeleton } from '../ui/index.ts';

export function IncidentStatusPage({ incidentId, canAct }: { incidentId: string; canAct: boolean }) {
  const [publishing, setPublishing] = useState(false);
  const published = useQuery({ queryKey: publishedKey(incidentId), queryFn: () => getPublished(incidentId) });
  const p = published.data;
  return (
    <section className="panel incident-status-page" aria-labelledby="status-page-title">
      <div className="status-page-head">
        <h2 id="status-page-title">Status page</h2>
        {canAct && published.isSuccess && (
          <Button size="sm" icon={Megaphone} onPress={() => setPublishing(true)}>
            {p ? 'Publish update' : 'Publish…'}
          </Button>
        )}
      </div>
      <Problem error={published.error} />
      {published.isPending && <Skeleton lines={2} label="Loading what was published" />}
      {p === null && (
        <p className="ui-muted">
          Nothing about this incident is public: customers see it on the <Link to="/status-page">status page</Link> only
          once someone publishes an update.
        </p>
      )}
      {p && (
        <>
          <p>
            <strong>{p.name}</strong> <UpdateBadge status={p.status} />{' '}
            <span className="ui-muted ui-small">
              Impact {IMPACT_LABEL[p.impact].toLowerCase()} · published {absolute(p.created_at)}
            </span>
          </p>
          <ol className="status-page-updates" aria-label="Published updates, newest first">
            {p.updates.map((u) => (
              <li key={u.id}>
                <UpdateBadge status={u.status} />{' '}
                <time className="ui-muted ui-small" dateTime={u.created_at}>
                  {absolute(u.created_at)}
                </time>
                <span className="ui-muted ui-small">
                  {' '}
                  · {u.created_by.name}
                  {u.notified && ' · subscribers notified'}
                </span>
                <p>{u.body}</p>
              </li>
            ))}
          </ol>
        </>
      )}
      {canAct && p !== undefined && (
        <PublishDialog incidentId={incidentId} published={p} isOpen={publishing} onClose={() => setPublishing(false)} />
      )}
    </section>
  );
}

const UpdateBadge = ({ status }: { status: UpdateStatus }) => (
  <Badge tone={UPDATE_STATUS_TONE[status]}>{UPDATE_STATUS_LABEL[status]}</Badge>
);

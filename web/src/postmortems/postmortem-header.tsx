// The top of a post-mortem: which incident it is about (a link back), its state, its owner, the next state
// (publishing asks first: it is final), the exports and the read-only share link. A new share link is shown
// once, as the server keeps only its digest; a new one replaces the old one.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FileDown, Link2, Link2Off } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Postmortem, PostmortemShare, Role } from '../shared/api.ts';
import { CopyField, Problem } from '../shared/form-kit.tsx';
import { useUsers } from '../shared/resources.ts';
import { Badge, Button, ButtonLink, ConfirmDialog, SeverityBadge, Select, toast } from '../ui/index.ts';
import { exportUrl, patchPostmortem, share, unshare, usePostmortemChange } from './postmortem-api.ts';
import { canChange, canEdit, STATE_LABEL, STATE_TONE, stateMoves, type StateMove } from './postmortem-words.ts';

export function PostmortemHeader({ pmRef, pm, role }: { pmRef: string; pm: Postmortem; role: Role }) {
  const users = useUsers();
  const [asking, setAsking] = useState<StateMove | null>(null);
  const move = usePostmortemChange(pmRef, (to: Postmortem['state']) => patchPostmortem(pmRef, { state: to }));
  const owner = usePostmortemChange(pmRef, (id: string) => patchPostmortem(pmRef, { owner_id: id }));
  const editable = canEdit(pm.state, role);
  const go = (m: StateMove) =>
    move.mutate(m.to, {
      onSuccess: (after) => {
        setAsking(null);
        toast(`Post-mortem: ${STATE_LABEL[after.state].toLowerCase()}`);
      },
    });
  const people = (users.data?.data ?? []).filter((u) => u.active || u.id === pm.owner?.id);

  return (
    <header className="pm-head">
      <p className="pm-crumbs">
        <Link to={`/incidents/${pm.incident_number}`}>← {pm.incident_number}</Link>
      </p>
      <h1 id="postmortem-title">
        Post-mortem: <span className="pm-number">{pm.incident_number}</span> {pm.incident_title}
      </h1>
      <div className="pm-facts">
        <SeverityBadge severity={pm.severity} long />
        <Badge tone={STATE_TONE[pm.state]}>{STATE_LABEL[pm.state]}</Badge>
        {editable && users.data ? (
          <Select
            label="Owner"
            className="pm-owner"
            options={people.map((u) => ({ id: u.id, label: `${u.name} (@${u.handle})` }))}
            value={pm.owner?.id ?? null}
            placeholder="Nobody"
            isDisabled={owner.isPending}
            onChange={(id) =>
              id !== pm.owner?.id &&
              owner.mutate(id, { onSuccess: (after) => toast(`Owner: ${after.owner?.name ?? 'nobody'}`) })
            }
          />
        ) : (
          <span>
            Owner: <strong>{pm.owner ? `${pm.owner.name} (@${pm.owner.handle})` : 'nobody'}</strong>
          </span>
        )}
      </div>
      <div className="pm-head-actions">
        {stateMoves(pm.state, role).map((m) => (
          <Button
            key={m.to}
            variant={m.to === 'draft' ? 'secondary' : 'primary'}
            isDisabled={move.isPending}
            onPress={() => (m.confirm ? setAsking(m) : go(m))}
          >
            {m.confirm ? `${m.label}…` : m.label}
          </Button>
        ))}
        <span className="pm-exports" role="group" aria-label="Export">
          <ButtonLink size="sm" icon={FileDown} href={exportUrl(pmRef, 'md')} download>
            Markdown
          </ButtonLink>
          <ButtonLink size="sm" icon={FileDown} href={exportUrl(pmRef, 'pdf')} download>
            PDF
          </ButtonLink>
        </span>
      </div>
      <Problem error={move.error ?? owner.error} />
      {canChange(role) && <ShareLink pmRef={pmRef} shared={pm.shared} />}
      <ConfirmDialog
        isOpen={asking !== null}
        onCancel={() => {
          setAsking(null);
          move.reset();
        }}
        onConfirm={() => asking && go(asking)}
        pending={move.isPending}
        title="Publish the post-mortem?"
        confirmLabel="Publish"
      >
        <p>
          Publishing is final: after it nobody can change the sections, the timeline, the meeting or the state of this
          post-mortem again. Exports and share links keep working.
        </p>
        <Problem error={asking ? move.error : null} />
      </ConfirmDialog>
    </header>
  );
}

/** Make a share link (shown this once), replace it, or revoke it. */
function ShareLink({ pmRef, shared }: { pmRef: string; shared: boolean }) {
  const queryClient = useQueryClient();
  const [made, setMade] = useState<PostmortemShare | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['postmortem', pmRef] });
  const create = useMutation({
    mutationFn: () => share(pmRef),
    onSuccess: (link) => {
      setMade(link);
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => unshare(pmRef),
    onSuccess: () => {
      setMade(null);
      refresh();
      toast('Share link revoked', { detail: 'Whoever has it can no longer open the post-mortem.' });
    },
  });
  // The server answers with a path when it has no VIGIL_PUBLIC_URL: this console's origin completes it.
  const url = made ? new URL(made.url, window.location.origin).toString() : null;
  return (
    <div className="pm-share">
      <Button size="sm" icon={Link2} isDisabled={create.isPending} onPress={() => create.mutate()}>
        {shared ? 'Replace the share link' : 'Create a share link'}
      </Button>
      {shared && (
        <Button
          size="sm"
          variant="danger"
          icon={Link2Off}
          isDisabled={revoke.isPending}
          onPress={() => revoke.mutate()}
        >
          Revoke share link
        </Button>
      )}
      {!shared && !made && <span className="ui-muted ui-small">Not shared.</span>}
      {shared && !made && (
        <span className="ui-muted ui-small">A read-only link is live; it was shown once when it was made.</span>
      )}
      <Problem error={create.error ?? revoke.error} />
      {url && shared && (
        <div className="secret-once pm-share-url">
          <p>
            Anyone with this link reads the post-mortem without signing in. It is shown only now; a new one replaces it.
          </p>
          <CopyField label="Share link" value={url} />
        </div>
      )}
    </div>
  );
}

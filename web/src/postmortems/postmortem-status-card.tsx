// The post-mortem's "Status page" card: whether the incident was ever published on the public status page,
// and if it was, its public title and whether the page links a post-mortem summary to it. Responders and
// admins publish that summary (plain text, prefilled from the summary section, edited first: customers read
// it) or take it off the page after a confirm; viewers read the card. It works in every post-mortem state,
// since the public summary is its own text and not the internal post-mortem.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Megaphone, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { Postmortem, PublishedIncidentView } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { getPublished, publishedKey, setPublicPostmortem } from '../shared/status-api.ts';
import { absolute, Badge, Button, ConfirmDialog, Dialog, Skeleton, toast } from '../ui/index.ts';
import { plainSummary } from './public-summary.ts';

export function StatusPageCard({ pm, canAct }: { pm: Postmortem; canAct: boolean }) {
  const queryClient = useQueryClient();
  const key = publishedKey(pm.incident_id);
  const published = useQuery({ queryKey: key, queryFn: () => getPublished(pm.incident_id) });
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const save = useMutation({
    mutationFn: (body: string | null) => setPublicPostmortem(pm.incident_id, body),
    onSuccess: (after) => {
      queryClient.setQueryData(key, after);
      // The incident's page lists the change on its timeline.
      void queryClient.invalidateQueries({ queryKey: ['incident', pm.incident_number] });
    },
  });
  const p = published.data;

  function open(current: PublishedIncidentView) {
    save.reset();
    const section = pm.sections.find((s) => s.key === 'summary');
    setEditing(current.postmortem?.body ?? plainSummary(section?.text ?? ''));
  }

  return (
    <section className="ui-panel pm-status" aria-labelledby="pm-status-title">
      <h2 id="pm-status-title">Status page</h2>
      {published.isPending && <Skeleton lines={2} label="Loading what was published" />}
      <Problem error={published.error} />
      {p === null && <p className="ui-muted">Nothing about this incident was published on the status page.</p>}
      {p && (
        <>
          <p className="pm-status-title">
            Public title: <strong>{p.name}</strong>
          </p>
          {p.postmortem ? (
            <div className="pm-status-summary">
              <p>
                <Badge tone="success">Summary public</Badge>{' '}
                <span className="ui-muted ui-small">since {absolute(p.postmortem.published_at)}</span>
              </p>
              <p className="pm-status-body">{p.postmortem.body}</p>
            </div>
          ) : (
            <p className="ui-muted">No post-mortem summary on the status page.</p>
          )}
          {canAct && (
            <div className="pm-buttons">
              <Button size="sm" icon={Megaphone} onPress={() => open(p)}>
                Publish summary on the status page
              </Button>
              {p.postmortem && (
                <Button
                  size="sm"
                  variant="ghost"
                  icon={Trash2}
                  onPress={() => {
                    save.reset();
                    setRemoving(true);
                  }}
                >
                  Remove from status page
                </Button>
              )}
            </div>
          )}
          {editing === null && !removing && <Problem error={save.error} />}
        </>
      )}
      {canAct && (
        <Dialog
          isOpen={editing !== null}
          onClose={() => setEditing(null)}
          title="Publish the summary on the status page"
          footer={
            <>
              <Button onPress={() => setEditing(null)}>Cancel</Button>
              <Button
                variant="primary"
                isDisabled={save.isPending || !editing?.trim()}
                onPress={() =>
                  save.mutate(editing ?? '', {
                    onSuccess: () => {
                      setEditing(null);
                      toast('Summary published on the status page');
                    },
                  })
                }
              >
                Save
              </Button>
            </>
          }
        >
          <div className="pm-status-form">
            <p className="pm-status-note" role="note">
              Public: everyone who opens the status page reads this, under the incident. Plain text, written for
              customers; nothing internal.
            </p>
            <div className="ui-field">
              <label htmlFor="pm-status-text" className="ui-label">
                Public summary
              </label>
              <textarea
                id="pm-status-text"
                rows={10}
                value={editing ?? ''}
                onChange={(e) => setEditing(e.target.value)}
                maxLength={20_000}
                spellCheck
              />
            </div>
            <Problem error={save.error} />
          </div>
        </Dialog>
      )}
      {canAct && (
        <ConfirmDialog
          isOpen={removing}
          onCancel={() => setRemoving(false)}
          title="Remove the summary from the status page?"
          confirmLabel="Remove"
          danger
          pending={save.isPending}
          onConfirm={() =>
            save.mutate(null, {
              onSuccess: () => {
                setRemoving(false);
                toast('Summary removed from the status page');
              },
            })
          }
        >
          <p>The public incident stays on the status page; only its post-mortem summary goes.</p>
          <Problem error={save.error} />
        </ConfirmDialog>
      )}
    </section>
  );
}

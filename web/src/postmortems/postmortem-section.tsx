// One section of a post-mortem: its Markdown rendered, and for those who may change it an editor with an
// Edit / Preview toggle. A save sends the version the edit started from; when someone else saved in between,
// the server refuses it (409 postmortem.stale_version) and nothing is overwritten. Then the page fetches
// their version, says so, and keeps the typed text in the box: the person loads theirs or overwrites it.
import { useQueryClient } from '@tanstack/react-query';
import { Eye, Pencil } from 'lucide-react';
import { useState } from 'react';
import { ApiError, type PostmortemSection } from '../shared/api.ts';
import { Problem } from '../shared/ui-kit.tsx';
import { absolute, Button, Details, toast } from '../ui/index.ts';
import { MarkdownView } from './markdown.tsx';
import { getPostmortem, postmortemKey, saveSection, usePostmortemChange } from './postmortem-api.ts';
import { conflictText } from './postmortem-words.ts';

/** An edit in progress: the text typed, the version it started from, and theirs after a refused save. */
interface Draft {
  text: string;
  version: number;
  view: 'edit' | 'preview';
  conflict: { version: number; text: string } | null;
}

const EMPTY: Record<string, string> = {
  impact: 'Nothing about the impact yet.',
  timeline: 'No notes on the timeline yet; its entries are below.',
  action_items: 'No notes on the action items yet; the follow-ups are below.',
};

export function SectionPanel({
  pmRef,
  section,
  editable,
}: {
  pmRef: string;
  section: PostmortemSection;
  editable: boolean;
}) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const save = usePostmortemChange(pmRef, (d: Draft) =>
    saveSection(pmRef, section.key, { text: d.text, version: d.version }),
  );
  const titleId = `section-${section.key}`;
  const editorId = `${titleId}-text`;
  const change = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  function submit(d: Draft) {
    save.mutate(d, {
      onSuccess: () => {
        setDraft(null);
        toast(`${section.title} saved`);
      },
      onError: async (error) => {
        if (!(error instanceof ApiError && error.code === 'postmortem.stale_version')) return;
        // Theirs, fresh from the server (into the cache too, so the rest of the page agrees).
        const pm = await queryClient.fetchQuery({
          queryKey: postmortemKey(pmRef),
          queryFn: () => getPostmortem(pmRef),
          staleTime: 0,
        });
        const theirs = pm.sections.find((s) => s.key === section.key);
        if (theirs) change({ conflict: { version: theirs.version, text: theirs.text }, view: 'edit' });
      },
    });
  }

  const stale = save.error instanceof ApiError && save.error.code === 'postmortem.stale_version';
  return (
    <section className="ui-panel pm-section" aria-labelledby={titleId}>
      <header>
        <h2 id={titleId}>{section.title}</h2>
        <span className="ui-muted ui-small">
          {section.updated_by ? `Edited by ${section.updated_by} · ${absolute(section.updated_at)}` : 'As prefilled'} ·
          version {section.version}
        </span>
        {editable && !draft && (
          <Button
            size="sm"
            icon={Pencil}
            aria-label={`Edit ${section.title}`}
            onPress={() => {
              save.reset();
              setDraft({ text: section.text, version: section.version, view: 'edit', conflict: null });
            }}
          >
            Edit
          </Button>
        )}
      </header>
      {draft ? (
        <form
          className="pm-editor"
          aria-label={`${section.title} editor`}
          onSubmit={(e) => {
            e.preventDefault();
            submit(draft);
          }}
        >
          <div className="pm-toggle" role="group" aria-label={`${section.title}: edit or preview`}>
            <Button
              size="sm"
              variant={draft.view === 'edit' ? 'primary' : 'ghost'}
              icon={Pencil}
              aria-pressed={draft.view === 'edit'}
              onPress={() => change({ view: 'edit' })}
            >
              Write
            </Button>
            <Button
              size="sm"
              variant={draft.view === 'preview' ? 'primary' : 'ghost'}
              icon={Eye}
              aria-pressed={draft.view === 'preview'}
              onPress={() => change({ view: 'preview' })}
            >
              Preview
            </Button>
          </div>
          {draft.conflict && (
            <div className="pm-conflict" role="alert">
              <p>{conflictText(draft.conflict.version)}</p>
              <Details summary={`Their version (${draft.conflict.version})`}>
                <MarkdownView text={draft.conflict.text} empty="They cleared the section." />
              </Details>
              <div className="pm-buttons">
                <Button
                  size="sm"
                  onPress={() => {
                    const theirs = draft.conflict;
                    if (!theirs) return;
                    save.reset();
                    change({ text: theirs.text, version: theirs.version, conflict: null });
                  }}
                >
                  Load their version
                </Button>
                <Button
                  size="sm"
                  variant="danger"
                  isDisabled={save.isPending}
                  onPress={() => {
                    const theirs = draft.conflict;
                    if (!theirs) return;
                    const next = { ...draft, version: theirs.version, conflict: null };
                    setDraft(next);
                    submit(next);
                  }}
                >
                  Overwrite with mine
                </Button>
              </div>
            </div>
          )}
          {draft.view === 'edit' ? (
            <div className="ui-field">
              <label htmlFor={editorId} className="ui-label">
                {section.title} (Markdown)
              </label>
              <textarea
                id={editorId}
                rows={Math.min(24, Math.max(6, draft.text.split('\n').length + 2))}
                value={draft.text}
                onChange={(e) => change({ text: e.target.value })}
                maxLength={100_000}
                spellCheck
              />
            </div>
          ) : (
            <MarkdownView text={draft.text} empty="Nothing written yet." label={`${section.title} preview`} />
          )}
          {!stale && <Problem error={save.error} />}
          <div className="pm-buttons">
            <Button type="submit" variant="primary" size="sm" isDisabled={save.isPending || draft.conflict !== null}>
              Save {section.title.toLowerCase()}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onPress={() => {
                save.reset();
                setDraft(null);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <MarkdownView text={section.text} empty={EMPTY[section.key] ?? 'Nothing written yet.'} />
      )}
    </section>
  );
}

// The post-mortem's own timeline: the incident's key moments, copied when the post-mortem was made. Each is
// in the report or left out, and may carry an annotation (what was known then, what it meant); the export's
// timeline table lists the entries kept, with their annotations.
import { useState } from 'react';
import type { Postmortem, PostmortemTimelineEntry } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { absolute, Button, count, toast } from '../ui/index.ts';
import { patchEntry, usePostmortemChange } from './postmortem-api.ts';
import { includedText } from './postmortem-words.ts';

type EntryChange = { entry: PostmortemTimelineEntry; included?: boolean; annotation?: string | null };

export function TimelinePanel({ pmRef, pm, editable }: { pmRef: string; pm: Postmortem; editable: boolean }) {
  const change = usePostmortemChange(pmRef, ({ entry, ...body }: EntryChange) =>
    patchEntry(pmRef, entry.entry_id, body),
  );
  const kept = pm.timeline.filter((t) => t.included).length;
  return (
    <section className="ui-panel pm-timeline" aria-labelledby="pm-timeline-title">
      <header>
        <h2 id="pm-timeline-title">Timeline entries</h2>
        <span className="ui-muted ui-small">
          {kept} of {count(pm.timeline.length, 'entry', 'entries')} in the report
        </span>
      </header>
      <Problem error={change.error} />
      {pm.timeline.length === 0 ? (
        <p className="ui-muted">The incident had no key moments to copy.</p>
      ) : (
        <ol className="pm-entries" aria-label="Timeline entries">
          {pm.timeline.map((t) => (
            <Entry
              key={t.entry_id}
              entry={t}
              editable={editable}
              busy={change.isPending}
              change={(c) => change.mutateAsync({ entry: t, ...c })}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function Entry({
  entry,
  editable,
  busy,
  change,
}: {
  entry: PostmortemTimelineEntry;
  editable: boolean;
  busy: boolean;
  change: (c: { included?: boolean; annotation?: string | null }) => Promise<Postmortem>;
}) {
  const [note, setNote] = useState(entry.annotation ?? '');
  // The box follows the click at once (a controlled box would snap back until the answer), then the answer.
  const [clicked, setClicked] = useState<boolean | null>(null);
  const noteId = `pm-note-${entry.entry_id}`;
  const stored = entry.annotation ?? '';
  const when = (
    <time dateTime={entry.at} className="ui-muted ui-small">
      {absolute(entry.at)}
    </time>
  );
  return (
    <li className={entry.included ? undefined : 'pm-left-out'}>
      <div className="pm-entry-line">
        {editable ? (
          <label className="pm-include">
            <input
              type="checkbox"
              checked={clicked ?? entry.included}
              disabled={busy}
              aria-label={`Include “${entry.summary}” in the report`}
              onChange={(e) => {
                setClicked(e.target.checked);
                void change({ included: e.target.checked })
                  .then(
                    (pm) =>
                      toast(includedText(pm.timeline.find((x) => x.entry_id === entry.entry_id)?.included ?? true)),
                    () => undefined, // the panel shows the server's message
                  )
                  .finally(() => setClicked(null));
              }}
            />
            <span>{entry.summary}</span>
          </label>
        ) : (
          <span>{entry.summary}</span>
        )}
        {when}
        <span className="ui-muted ui-small">{entry.actor}</span>
        {!entry.included && <span className="ui-tag">left out</span>}
      </div>
      {editable ? (
        <form
          className="pm-annotation"
          onSubmit={(e) => {
            e.preventDefault();
            void change({ annotation: note.trim() ? note.trim() : null }).then(
              () => toast(note.trim() ? 'Annotation saved' : 'Annotation removed'),
              () => undefined,
            );
          }}
        >
          <label htmlFor={noteId} className="ui-visually-hidden">
            Annotation for “{entry.summary}”
          </label>
          <textarea
            id={noteId}
            rows={1}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={5000}
            placeholder="Annotation (optional): what was known then, what it meant"
          />
          <Button type="submit" size="sm" isDisabled={busy || note.trim() === stored}>
            Save annotation
          </Button>
        </form>
      ) : (
        entry.annotation && <p className="pm-annotation-text">{entry.annotation}</p>
      )}
    </li>
  );
}

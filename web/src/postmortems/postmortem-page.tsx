// An incident's post-mortem (/incidents/:ref/postmortem): the runbook's review 24–72 h after the resolve. The
// header (incident, state, owner, the next state, exports, share link), the meeting and its attendees, every
// section as Markdown with an editor, the key moments of the incident to keep or leave out and annotate, and
// the action items (the incident's follow-ups), and beside the meeting what the public status page shows about
// the incident with its post-mortem summary. Published post-mortems and viewers get the same page to read.
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, type Session } from '../shared/api.ts';
import { Skeleton } from '../ui/index.ts';
import { ActionItems } from './postmortem-actions.tsx';
import { usePostmortem } from './postmortem-api.ts';
import { PostmortemHeader } from './postmortem-header.tsx';
import { MeetingPanel } from './postmortem-meeting.tsx';
import { SectionPanel } from './postmortem-section.tsx';
import { StatusPageCard } from './postmortem-status-card.tsx';
import { TimelinePanel } from './postmortem-timeline.tsx';
import { canChange, canEdit, readOnlyReason } from './postmortem-words.ts';
import './postmortems.css';

export function PostmortemPage({ session }: { session: Session }) {
  const { ref = '' } = useParams();
  const query = usePostmortem(ref);
  const pm = query.data;

  const heading = pm ? `Post-mortem ${pm.incident_number} · Vigil` : null;
  useEffect(() => {
    if (!heading) return;
    const before = document.title;
    document.title = heading;
    return () => {
      document.title = before;
    };
  }, [heading]);

  if (query.isPending) return <Skeleton lines={6} label="Loading the post-mortem" />;
  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <p className="notice error" role="alert">
        {missing
          ? `Incident ${ref} has no post-mortem (or there is no such incident).`
          : `Could not load the post-mortem of ${ref}: ${query.error.message}`}{' '}
        <Link to={`/incidents/${encodeURIComponent(ref)}`}>Back to the incident</Link>
      </p>
    );
  }
  if (!pm) return null;

  const editable = canEdit(pm.state, session.role);
  const readOnly = readOnlyReason(pm.state, session.role);
  return (
    <article className="postmortem" aria-labelledby="postmortem-title">
      <PostmortemHeader pmRef={ref} pm={pm} role={session.role} />
      {readOnly && (
        <p className="pm-readonly" role="note">
          {readOnly}
        </p>
      )}
      <div className="pm-columns">
        <aside className="pm-side" aria-label="Meeting, attendees and status page">
          <MeetingPanel pmRef={ref} pm={pm} editable={editable} />
          <StatusPageCard pm={pm} canAct={canChange(session.role)} />
        </aside>
        <div className="pm-main">
          {pm.sections.map((s) => (
            <div key={s.key} className="pm-block">
              <SectionPanel pmRef={ref} section={s} editable={editable} />
              {s.key === 'timeline' && <TimelinePanel pmRef={ref} pm={pm} editable={editable} />}
              {s.key === 'action_items' && <ActionItems pm={pm} canAdd={editable} me={session.user.handle} />}
            </div>
          ))}
        </div>
      </div>
    </article>
  );
}

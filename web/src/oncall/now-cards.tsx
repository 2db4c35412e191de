// "Who is on call now and next": a card per schedule and per level of every escalation policy, with
// the person on call, until when, and who takes over from when. The people come from the server's
// overview; the times from each schedule's coming shifts (a level that pages a person directly has no
// end: that person is always its target).
import { ArrowRight } from 'lucide-react';
import type { OnCallOverview, Policy, ShiftWindow } from '../shared/api.ts';
import { minutes } from '../shared/resources.ts';
import { absolute } from '../ui/index.ts';
import { PersonChip, type People } from './person-chip.tsx';
import { handover, type Handover } from './timeline-layout.ts';

const WHEN = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "Tue 09:00", with the full date and zone in a tooltip. */
function At({ ms }: { ms: number }) {
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {WHEN.format(ms)}
    </time>
  );
}

function Card({
  title,
  detail,
  userIds,
  turns,
  people,
  me,
}: {
  title: string;
  detail?: string;
  userIds: string[];
  turns: Handover[];
  people: People;
  me: string;
}) {
  const until = (userId: string) => turns.flatMap((t) => t.current).find((c) => c.userId === userId)?.until;
  const next = turns.map((t) => t.next).find((n) => n !== null);
  return (
    <li className="oc-card">
      <div className="oc-card-title">
        <strong>{title}</strong>
        {detail && <span className="ui-muted"> · {detail}</span>}
      </div>
      {userIds.length === 0 ? (
        <p className="oc-nobody">No one on call</p>
      ) : (
        <ul className="oc-card-people">
          {userIds.map((userId) => {
            const end = until(userId);
            return (
              <li key={userId}>
                <PersonChip people={people} userId={userId} me={me} />
                <span className="ui-muted oc-until">
                  {end ? (
                    <>
                      until <At ms={end} />
                    </>
                  ) : (
                    'always (paged directly)'
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {next && (
        <p className="oc-next ui-muted">
          <ArrowRight size={14} aria-hidden /> Next: {people.label(next.userId)} from <At ms={next.from} />
        </p>
      )}
    </li>
  );
}

export function NowCards({
  overview,
  policies,
  coming,
  people,
  me,
}: {
  overview: OnCallOverview;
  policies: readonly Policy[];
  /** Coming shifts by schedule id. */
  coming: ReadonlyMap<string, ShiftWindow>;
  people: People;
  me: string;
}) {
  const now = Date.parse(overview.at);
  const turnsOf = (scheduleIds: string[]) =>
    scheduleIds.flatMap((id) => {
      const shifts = coming.get(id);
      // The shifts start when they were fetched, which may be a moment after the overview's "now".
      return shifts ? [handover(shifts.data, Math.max(now, Date.parse(shifts.from)))] : [];
    });
  return (
    <section className="ui-panel" aria-labelledby="now-title">
      <h2 id="now-title">On call now and next</h2>
      <h3>Escalation policies</h3>
      {overview.policies.length === 0 ? (
        <p className="ui-muted">No escalation policies yet. Admins create them under Settings → Escalation.</p>
      ) : (
        overview.policies.map((p) => {
          const policy = policies.find((x) => x.id === p.policy_id);
          return (
            <div key={p.policy_id} className="oc-policy">
              <h4>{p.name}</h4>
              <ol className="oc-cards" aria-label={`${p.name}: levels`}>
                {p.levels.map((l) => {
                  const targets = policy?.levels[l.level - 1]?.targets ?? [];
                  return (
                    <Card
                      key={l.level}
                      title={`Level ${l.level}${l.name ? `: ${l.name}` : ''}`}
                      detail={l.delay_seconds === 0 ? 'paged at once' : `after ${minutes(l.delay_seconds)}`}
                      userIds={l.user_ids}
                      turns={turnsOf(targets.filter((t) => t.type === 'schedule').map((t) => t.id))}
                      people={people}
                      me={me}
                    />
                  );
                })}
              </ol>
            </div>
          );
        })
      )}
      <h3>Schedules</h3>
      {overview.schedules.length === 0 ? (
        <p className="ui-muted">No schedules yet. Admins create them under Settings → Schedules.</p>
      ) : (
        <ul className="oc-cards" aria-label="On call now by schedule">
          {[...overview.schedules]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((s) => (
              <Card
                key={s.schedule_id}
                title={s.name}
                userIds={s.user_ids}
                turns={turnsOf([s.schedule_id])}
                people={people}
                me={me}
              />
            ))}
        </ul>
      )}
    </section>
  );
}

// The signed-in person's calendar feed: a secret iCal link to their shifts (and links to whole
// schedules), shown once, and a way to revoke every link they have if one leaks.
import { useMutation } from '@tanstack/react-query';
import { CalendarPlus } from 'lucide-react';
import { useState } from 'react';
import { api, type CalendarLink, type CalendarLinksRevoked, type Schedule } from '../shared/api.ts';
import { CopyField, Problem } from '../shared/form-kit.tsx';
import { id } from '../shared/resources.ts';
import { Button, ConfirmDialog, count, toast } from '../ui/index.ts';

export function CalendarFeed({ schedules, me }: { schedules: readonly Schedule[]; me: string }) {
  const [confirming, setConfirming] = useState(false);
  const issue = useMutation({ mutationFn: () => api<CalendarLink>('POST', '/api/v1/ical/tokens', {}) });
  const revoke = useMutation({
    mutationFn: () => api<CalendarLinksRevoked>('DELETE', `/api/v1/users/${id(me)}/ical-tokens`),
    onSuccess: (done) => {
      issue.reset();
      setConfirming(false);
      toast(`${count(done.revoked, 'calendar link')} revoked`);
    },
  });
  const link = issue.data;
  return (
    <section className="ui-panel" aria-labelledby="ical-title">
      <h2 id="ical-title">Calendar feed</h2>
      <p className="ui-small">
        Subscribe to your shifts in Google Calendar, Outlook or Apple Calendar: add a calendar “from URL” and paste your
        link. The feed holds your shifts from a week back to eight weeks ahead, and your calendar app refreshes it on
        its own.
      </p>
      <p className="ui-small ui-muted">
        The link works without signing in, so treat it like a password. Vigil shows it once; you can get a new one at
        any time, and revoke all of yours if one leaks.
      </p>
      {link ? (
        <>
          <CopyField label="Your shifts (iCal URL)" value={link.my_shifts_url} />
          {schedules.length > 0 && (
            <details className="oc-feeds">
              <summary>Feeds of whole schedules</summary>
              {schedules.map((s) => (
                <CopyField
                  key={s.id}
                  label={s.name}
                  value={link.schedule_url_template.replace('{schedule_id}', encodeURIComponent(s.id))}
                />
              ))}
            </details>
          )}
        </>
      ) : (
        <Button variant="primary" icon={CalendarPlus} onPress={() => issue.mutate()} isDisabled={issue.isPending}>
          {issue.isPending ? 'Creating…' : 'Get my calendar link'}
        </Button>
      )}
      <Problem error={issue.error} />
      <div className="oc-revoke">
        <Button variant="ghost" size="sm" onPress={() => setConfirming(true)}>
          Revoke all my calendar links…
        </Button>
      </div>
      <Problem error={revoke.error} />
      <ConfirmDialog
        isOpen={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => revoke.mutate()}
        title="Revoke all your calendar links?"
        confirmLabel="Revoke all"
        danger
        pending={revoke.isPending}
      >
        <p>Every calendar subscribed to one of your links stops updating. You can get a new link afterwards.</p>
      </ConfirmDialog>
    </section>
  );
}

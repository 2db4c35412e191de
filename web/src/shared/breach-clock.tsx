// A breach's Art. 33 clock as it ticks: hours, minutes and seconds to the 72-hour deadline, red under
// 12 hours, flagged "Overdue" past it, and in words once reported or declared not notifiable.
import type { Breach } from './api.ts';
import { useNow } from './use-now.ts';
import { absolute, Badge } from '../ui/index.ts';
import { breachClock } from './gdpr-clocks.ts';

export function BreachClockText({ breach }: { breach: Pick<Breach, 'state' | 'deadline_at'> }) {
  const now = useNow(1000);
  const clock = breachClock(breach, now);
  return (
    <span
      className={`gdpr-clock gdpr-clock-${clock.tone}`}
      title={`Deadline ${absolute(breach.deadline_at)}`}
      data-testid="breach-clock"
    >
      {clock.tone === 'overdue' && <Badge tone="danger">Overdue</Badge>}
      <time dateTime={breach.deadline_at}>{clock.text}</time>
    </span>
  );
}

// The Analytics page's filters: quick ranges, the days picked or typed in a date-range field, the service,
// the team and the severities, and under them the server's refusal of them. Typed days reach the page (and
// the server) once typing pauses, so a year typed digit by digit is not asked for four times.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { getServices } from '../shared/service-api.ts';
import { useTeams } from '../shared/resources.ts';
import { Problem } from '../shared/ui-kit.tsx';
import { Button, Chip, DateRangeField, Select } from '../ui/index.ts';
import {
  DEFAULT_FILTERS,
  PRESET_LABEL,
  PRESETS,
  rangeDays,
  SEVERITIES,
  type Days,
  type Filters,
} from './analytics-filters.ts';

const ALL = 'all';
const TYPING_PAUSE_MS = 400;

export function FilterBar({
  filters,
  timeZone,
  onChange,
  problem,
}: {
  filters: Filters;
  timeZone: string;
  onChange: (next: Filters) => void;
  /** The server's refusal of these filters (a range over 400 days, an unknown service), shown under them. */
  problem: Error | null;
}) {
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, staleTime: 60_000 });
  const teams = useTeams();
  const [typed, setTyped] = useState<Days | null>(null);
  const shown = rangeDays(filters, timeZone);

  useEffect(() => {
    if (!typed) return;
    const timer = setTimeout(() => {
      setTyped(null);
      onChange({ ...filters, range: typed });
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed, filters, onChange]);

  const set = (patch: Partial<Filters>) => {
    setTyped(null);
    onChange({ ...filters, ...patch });
  };
  const toggle = (severity: (typeof SEVERITIES)[number]) =>
    set({
      severities: filters.severities.includes(severity)
        ? filters.severities.filter((s) => s !== severity)
        : SEVERITIES.filter((s) => s === severity || filters.severities.includes(s)),
    });
  const changed =
    filters.range !== DEFAULT_FILTERS.range || filters.service || filters.team || filters.severities.length > 0;

  return (
    <div className="an-filters" role="group" aria-label="Filters">
      <div className="an-chips" role="group" aria-label="Quick ranges">
        {PRESETS.map((preset) => (
          <Chip
            key={preset}
            label={PRESET_LABEL[preset]}
            pressed={filters.range === preset && !typed}
            onPress={() => set({ range: preset })}
          />
        ))}
      </div>
      <div className="an-filter-row">
        <DateRangeField
          label="Days"
          value={typed ?? shown}
          onChange={(days) => days && setTyped(days)}
          description={`First and last day included, midnight to midnight in ${timeZone}`}
        />
        <Select
          label="Service"
          options={[
            { id: ALL, label: 'All services' },
            ...(services.data?.data ?? []).map((s) => ({ id: s.id, label: s.name })),
          ]}
          value={filters.service ?? ALL}
          onChange={(id) => set({ service: id === ALL ? null : id })}
        />
        <Select
          label="Team"
          options={[
            { id: ALL, label: 'All teams' },
            ...(teams.data?.data ?? []).map((t) => ({ id: t.id, label: t.name })),
          ]}
          value={filters.team ?? ALL}
          onChange={(id) => set({ team: id === ALL ? null : id })}
          description="Incidents that paged a member"
        />
        <div className="ui-field">
          <span className="ui-label" id="an-severity-label">
            Severity
          </span>
          <div className="an-chips" role="group" aria-labelledby="an-severity-label">
            {SEVERITIES.map((s) => (
              <Chip key={s} label={s} severity={s} pressed={filters.severities.includes(s)} onPress={() => toggle(s)} />
            ))}
          </div>
          <span className="ui-description">{filters.severities.length ? 'Only these' : 'All severities'}</span>
        </div>
        {changed && (
          <Button variant="ghost" size="sm" onPress={() => set(DEFAULT_FILTERS)}>
            Clear filters
          </Button>
        )}
      </div>
      <Problem error={problem} />
    </div>
  );
}

// The incident list's filters: saved filters as links (each is a URL, so it can be shared), chips
// for status and severity with how many incidents each would show, and the service. Chips are toggle
// buttons (aria-pressed); status chips choose one set of statuses, severity chips add or remove one.
import { Link } from 'react-router';
import { Chip, Select } from '../ui/index.ts';
import type { IncidentCounts, IncidentFilter, Service } from '../shared/api.ts';
import {
  chipChosen,
  chipCounts,
  paramsFromFilter,
  SAVED_FILTERS,
  SEVERITIES,
  STATUS_CHIPS,
  toggleSeverity,
} from './incident-list.ts';

const ALL_SERVICES = 'all';

export function IncidentListFilters({
  filter,
  counts,
  services,
  onChange,
}: {
  filter: IncidentFilter;
  /** The server's counts for the chosen service; undefined while they load. */
  counts: IncidentCounts | undefined;
  services: readonly Service[];
  onChange(next: IncidentFilter): void;
}) {
  const current = paramsFromFilter(filter).toString();
  const numbers = counts && chipCounts(counts.groups, filter);
  return (
    <div className="il-filters">
      <nav className="il-saved" aria-label="Saved filters">
        {SAVED_FILTERS.map((saved) => {
          const query = paramsFromFilter({ ...saved.filter, service_id: filter.service_id }).toString();
          return (
            <Link key={saved.name} to={`?${query}`} aria-current={query === current ? 'page' : undefined}>
              {saved.name}
            </Link>
          );
        })}
      </nav>
      <div className="il-chip-row">
        <div className="il-chips" role="group" aria-label="Status">
          {STATUS_CHIPS.map((chip, i) => (
            <Chip
              key={chip.label}
              label={chip.label}
              count={numbers?.status[i]}
              pressed={chipChosen(chip, filter)}
              onPress={() => onChange({ ...filter, status: [...chip.status] })}
            />
          ))}
        </div>
        <div className="il-chips" role="group" aria-label="Severity">
          {SEVERITIES.map((severity) => (
            <Chip
              key={severity}
              label={severity}
              severity={severity}
              count={numbers?.severity[severity]}
              pressed={filter.severity?.includes(severity) ?? false}
              onPress={() => onChange(toggleSeverity(filter, severity))}
            />
          ))}
        </div>
        <Select
          className="il-service-filter"
          label="Service"
          hideLabel
          options={[{ id: ALL_SERVICES, label: 'All services' }, ...services.map((s) => ({ id: s.id, label: s.name }))]}
          value={filter.service_id ?? ALL_SERVICES}
          onChange={(id) => onChange({ ...filter, service_id: id === ALL_SERVICES ? undefined : id })}
        />
      </div>
    </div>
  );
}

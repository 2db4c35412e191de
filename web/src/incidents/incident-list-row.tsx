// One row of the incident list's table: select box, severity, number and title (with the response
// target and phase under it), service, status, commander, age, last activity and a menu of actions.
// Under 600 px the same cells are laid out as a compact card by incident-list.css.
import { Check, CircleCheck, SquareArrowOutUpRight } from 'lucide-react';
import { memo } from 'react';
import { Link } from 'react-router';
import { absolute, SeverityBadge, StatusBadge, type MenuAction } from '../ui/index.ts';
import { RowMenuButton } from './incident-list-menu.tsx';
import type { ListRow } from './incident-list.ts';

export type RowAction = 'acknowledge' | 'resolve' | 'open';

/** The table's column headers, in the order the row renders its cells (after the select box, before the menu). */
export const COLUMNS = ['Severity', 'Incident', 'Service', 'Status', 'Commander', 'Age', 'Last activity'] as const;

/** What a row's menu offers: acknowledge and resolve while they apply (never to a viewer), and open. */
export function rowActions(row: Pick<ListRow, 'status'>, canAct: boolean): MenuAction[] {
  return [
    ...(canAct && row.status === 'triggered' ? [{ id: 'acknowledge', label: 'Acknowledge', icon: Check }] : []),
    ...(canAct && row.status !== 'resolved' ? [{ id: 'resolve', label: 'Resolve', icon: CircleCheck }] : []),
    { id: 'open', label: 'Open', icon: SquareArrowOutUpRight, separated: canAct && row.status !== 'resolved' },
  ];
}

export interface RowProps {
  row: ListRow;
  /** 1-based place in the whole loaded list (only a window of it is rendered). */
  position: number;
  service: string;
  focused: boolean;
  marked: boolean;
  canAct: boolean;
  /** How long ago it opened ("12m") and last changed ("3 min ago"). */
  ageText: string;
  activityText: string;
  response: { text: string; late: boolean };
  phase: { text: string; overdue: boolean };
  onFocus(id: string): void;
  onMark(id: string): void;
  /** Whether the shared row menu is open for this row. */
  menuOpen: boolean;
  onMenu(row: ListRow, button: HTMLButtonElement): void;
}

const sameRow = (a: RowProps, b: RowProps) =>
  a.row === b.row &&
  a.position === b.position &&
  a.service === b.service &&
  a.focused === b.focused &&
  a.marked === b.marked &&
  a.canAct === b.canAct &&
  a.menuOpen === b.menuOpen &&
  a.ageText === b.ageText &&
  a.activityText === b.activityText &&
  a.response.text === b.response.text &&
  a.phase.text === b.phase.text;

/**
 * One incident; re-rendered only when what it shows changes (a list can hold thousands). The focused
 * row is the one tab stop of the table (a roving tab index), so j/k and Tab agree on where you are.
 */
export const IncidentListRow = memo(function IncidentListRow({
  row,
  position,
  service,
  focused,
  marked,
  canAct,
  ageText,
  activityText,
  response,
  phase,
  onFocus,
  onMark,
  menuOpen,
  onMenu,
}: RowProps) {
  return (
    <tr
      data-row
      data-id={row.id}
      aria-rowindex={position + 1}
      aria-current={focused || undefined}
      tabIndex={focused ? 0 : -1}
      className="incident-list-row"
      data-status={row.status}
      onClick={() => onFocus(row.id)}
      onFocus={() => onFocus(row.id)}
    >
      {canAct && (
        <td className="il-select">
          <input
            type="checkbox"
            aria-label={`Select ${row.number}`}
            checked={marked}
            onChange={() => onMark(row.id)}
            onClick={(e) => e.stopPropagation()}
          />
        </td>
      )}
      <td className="il-sev">
        <SeverityBadge severity={row.severity} />
      </td>
      <td className="il-title">
        <Link to={`/incidents/${row.number}`} onClick={(e) => e.stopPropagation()}>
          <span className="il-number">{row.number}</span> {row.title}
        </Link>
        <span className="il-sub">
          <span className={response.late ? 'il-late' : undefined}>{response.text}</span>
          <span className={phase.overdue ? 'il-late' : undefined}>phase: {phase.text}</span>
        </span>
      </td>
      <td className="il-service">{service}</td>
      <td className="il-status">
        <StatusBadge status={row.status} />
      </td>
      <td className="il-commander">
        {row.commander ? (
          <span title={row.commander.handle}>{row.commander.name}</span>
        ) : (
          <span className="il-none">Unassigned</span>
        )}
      </td>
      <td className="il-age">
        <time dateTime={row.created_at} title={`Opened ${absolute(row.created_at)}`}>
          {ageText}
        </time>
      </td>
      <td className="il-activity">
        <time dateTime={row.updated_at} title={`Last changed ${absolute(row.updated_at)}`}>
          {activityText}
        </time>
      </td>
      <td className="il-menu">
        <RowMenuButton
          label={`Actions for ${row.number}`}
          expanded={menuOpen}
          onOpen={(button) => onMenu(row, button)}
        />
      </td>
    </tr>
  );
}, sameRow);

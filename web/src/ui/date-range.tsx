// A range of whole days: two date fields (first day, last day) you can type into or step with the arrow
// keys, and a calendar in a popover where the first click picks the first day and the second the last.
// The value in and out is ISO dates, first and last day included ({ start: "2026-11-01", end: "2026-11-30" });
// what those days mean in instants (whose midnight) is the caller's business. A typed range whose end comes
// before its start is still handed on, so the caller can show why it is refused.
import { parseDate, type DateValue } from '@internationalized/date';
import { CalendarDays } from 'lucide-react';
import { CalendarMonth } from './calendar-month.tsx';
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  DateInput,
  DateRangePicker,
  DateSegment,
  Dialog,
  Group,
  Label,
  Popover,
  RangeCalendar,
  Text,
} from 'react-aria-components';

export interface DayRange {
  start: string;
  end: string;
}

function parsed(range: DayRange | null): { start: DateValue; end: DateValue } | null {
  if (!range) return null;
  try {
    return { start: parseDate(range.start), end: parseDate(range.end) };
  } catch {
    return null;
  }
}

export function DateRangeField({
  label,
  value,
  onChange,
  description,
  className,
}: {
  label: string;
  value: DayRange | null;
  onChange: (range: DayRange | null) => void;
  description?: ReactNode;
  className?: string;
}) {
  return (
    <DateRangePicker
      className={['ui-field', className].filter(Boolean).join(' ')}
      value={parsed(value)}
      onChange={(next) =>
        onChange(next && next.start && next.end ? { start: next.start.toString(), end: next.end.toString() } : null)
      }
      granularity="day"
    >
      <Label className="ui-label">{label}</Label>
      <Group className="ui-control ui-date-group ui-date-range-group">
        <DateInput slot="start" className="ui-date-input" aria-label={`${label}: first day`}>
          {(segment) => <DateSegment segment={segment} className="ui-date-segment" />}
        </DateInput>
        <span aria-hidden className="ui-date-range-dash">
          –
        </span>
        <DateInput slot="end" className="ui-date-input" aria-label={`${label}: last day`}>
          {(segment) => <DateSegment segment={segment} className="ui-date-segment" />}
        </DateInput>
        <AriaButton className="ui-combobox-button" aria-label={`Pick ${label.toLowerCase()} from a calendar`}>
          <CalendarDays size={16} aria-hidden />
        </AriaButton>
      </Group>
      {description && (
        <Text slot="description" className="ui-description">
          {description}
        </Text>
      )}
      <Popover className="ui-popover" offset={4}>
        <Dialog className="ui-calendar-dialog" aria-label={`${label}: calendar`}>
          <RangeCalendar className="ui-calendar ui-range-calendar">
            <CalendarMonth />
          </RangeCalendar>
        </Dialog>
      </Popover>
    </DateRangePicker>
  );
}

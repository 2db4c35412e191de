// A date-and-time field in a named time zone: segments you can type into or step with the arrow
// keys, a calendar in a popover, and the zone written under it ("Times in Europe/Berlin, CET"), so
// nobody has to guess whether 09:00 is theirs or UTC. The value in and out is an ISO 8601 UTC string,
// which is what the API takes; with `name`, it is also submitted in a hidden input.
import {
  fromAbsolute,
  getLocalTimeZone,
  toCalendarDateTime,
  toZoned,
  type CalendarDateTime,
  type ZonedDateTime,
} from '@internationalized/date';
import { CalendarDays } from 'lucide-react';
import { CalendarMonth } from './calendar-month.tsx';
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  Calendar,
  DateInput,
  DatePicker,
  DateSegment,
  Dialog,
  FieldError,
  Group,
  Label,
  Popover,
  Text,
} from 'react-aria-components';
import { zoneName } from './words.ts';

export function DateTimeField({
  label,
  value,
  onChange,
  timeZone = getLocalTimeZone(),
  name,
  isRequired,
  description,
}: {
  label: string;
  value: string | null;
  onChange: (iso: string | null) => void;
  timeZone?: string;
  name?: string;
  isRequired?: boolean;
  description?: ReactNode;
}) {
  const zoned: ZonedDateTime | null = value ? fromAbsolute(Date.parse(value), timeZone) : null;
  const change = (next: ZonedDateTime | CalendarDateTime | null) => {
    if (!next) return onChange(null);
    const inZone = 'timeZone' in next ? next : toZoned(toCalendarDateTime(next), timeZone);
    onChange(inZone.toDate().toISOString());
  };
  return (
    <DatePicker
      className="ui-field"
      value={zoned}
      onChange={change}
      granularity="minute"
      hideTimeZone
      hourCycle={24}
      isRequired={isRequired}
    >
      <Label className="ui-label">{label}</Label>
      <Group className="ui-control ui-date-group">
        <DateInput className="ui-date-input">
          {(segment) => <DateSegment segment={segment} className="ui-date-segment" />}
        </DateInput>
        <AriaButton className="ui-combobox-button" aria-label={`Pick ${label.toLowerCase()} from a calendar`}>
          <CalendarDays size={16} aria-hidden />
        </AriaButton>
      </Group>
      <Text slot="description" className="ui-description">
        {description ? <>{description} · </> : null}Times in {zoneName(timeZone, value ? Date.parse(value) : undefined)}
      </Text>
      <FieldError className="ui-field-error" />
      {name && <input type="hidden" name={name} value={value ?? ''} />}
      <Popover className="ui-popover" offset={4}>
        <Dialog className="ui-calendar-dialog" aria-label={`${label}: calendar`}>
          <Calendar className="ui-calendar">
            <CalendarMonth />
          </Calendar>
        </Dialog>
      </Popover>
    </DatePicker>
  );
}

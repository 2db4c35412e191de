// The month a date picker's popover shows, with its previous/next buttons: the same inside the date-time
// field's Calendar and the date-range field's RangeCalendar (each provides the month and the selection).
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button as AriaButton, CalendarCell, CalendarGrid, Heading } from 'react-aria-components';

export function CalendarMonth() {
  return (
    <>
      <header className="ui-calendar-header">
        <AriaButton slot="previous" className="ui-button ui-button-ghost ui-button-icon ui-button-sm">
          <ChevronLeft size={14} aria-hidden />
        </AriaButton>
        <Heading className="ui-calendar-heading" />
        <AriaButton slot="next" className="ui-button ui-button-ghost ui-button-icon ui-button-sm">
          <ChevronRight size={14} aria-hidden />
        </AriaButton>
      </header>
      <CalendarGrid className="ui-calendar-grid">
        {(date) => <CalendarCell date={date} className="ui-calendar-cell" />}
      </CalendarGrid>
    </>
  );
}

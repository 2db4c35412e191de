export {
  createSchedulesService,
  type SchedulesService,
  type ScheduleInput,
  MAX_WINDOW_DAYS,
} from './schedules.service.js';
export type { Schedule } from './schedules.repo.js';
export type { Shift, Layer, Override, FixedSchedule, Rotation, Restriction, RotationKind } from './schedule.js';
export { renderCalendar } from './ical.js';
export { validZone } from './rotation.js';

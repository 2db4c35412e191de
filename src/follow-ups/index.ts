// Follow-ups: the action items after an incident (docs/follow-ups.md), with reminders to their owners.
export {
  FOLLOW_UP_KINDS,
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  REMINDER_KINDS,
  isOverdue as isFollowUpOverdue,
  type FollowUp,
  type FollowUpKind,
  type FollowUpPriority,
  type FollowUpStatus,
} from './follow-up.js';
export {
  createFollowUpsService,
  type FollowUpsService,
  type FollowUpChange,
  type FollowUpListQuery,
  type NewFollowUp,
} from './follow-ups.service.js';
export type { StoredFollowUp, FollowUpReminder } from './follow-ups.repo.js';

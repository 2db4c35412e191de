// Post-mortems (docs/postmortems.md): drafted from the incident's timeline after it resolves, with their
// sections, meeting, share link and the owner's reminders.
export {
  POSTMORTEM_STATES,
  SECTION_KEYS,
  SECTION_TITLES,
  MEETING_WINDOW_HOURS,
  type PostmortemState,
  type SectionKey,
} from './postmortem.js';
export {
  createPostmortemsService,
  SHARE_PATH,
  type PostmortemsService,
  type PostmortemChange,
  type PostmortemDetail,
  type PostmortemEvents,
} from './postmortems.service.js';
export { postmortemDocument } from './postmortem-document.js';
export { meetingAtOf as postmortemMeetingAt } from './postmortems.repo.js';
export type { Postmortem, Section, TimelineItem } from './postmortems.repo.js';

// A post-mortem as a document (the shared model of documents/), for its Markdown and PDF exports: the
// incident and the people first, then every section in order; the timeline section lists the included
// entries with their annotations, the action items section the incident's follow-ups.
import type { Doc, DocSection } from '../documents/index.js';
import { duration, SECTION_TITLES } from './postmortem.js';
import type { PostmortemDetail } from './postmortems.service.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function postmortemDocument(pm: PostmortemDetail): Doc {
  const { incident } = pm;
  const span = incident.resolvedAt ? duration(incident.resolvedAt.getTime() - incident.createdAt.getTime()) : null;
  const sections = pm.sections.map((s): DocSection => {
    const section: DocSection = { heading: SECTION_TITLES[s.key], markdown: s.text };
    if (s.key === 'timeline')
      section.table = {
        columns: ['Time (UTC)', 'What happened', 'Note'],
        rows: pm.timeline.filter((t) => t.included).map((t) => [t.at.toISOString(), t.summary, t.annotation]),
      };
    if (s.key === 'action_items')
      section.table = {
        columns: ['Follow-up', 'Kind', 'Owner', 'Due', 'Status'],
        rows: pm.actionItems.map((f) => [
          f.externalUrl ? `${f.title} (${f.externalUrl})` : f.title,
          f.kind,
          f.ownerHandle,
          f.dueAt.toISOString(),
          f.status,
        ]),
      };
    return section;
  });
  return {
    title: `Post-mortem: ${incident.number} ${incident.title}`,
    subtitle: pm.state === 'published' ? `Published ${iso(pm.publishedAt) ?? ''}` : `State: ${pm.state}`,
    meta: [
      ['Incident', incident.number],
      ['Severity', incident.severity],
      ['Started', iso(incident.createdAt)],
      ['Resolved', iso(incident.resolvedAt)],
      ['Duration', span],
      ['Owner', pm.owner ? `${pm.owner.name} (${pm.owner.handle})` : null],
      ['Meeting', iso(pm.meetingAt)],
      ['Attendees', pm.attendeeUsers.map((u) => u.handle).join(', ') || null],
    ],
    sections,
  };
}

// An incident's post-mortem (docs/postmortems.md): /api/v1/incidents/{id}/postmortem with its sections,
// timeline entries, export (Markdown, PDF) and share link; and the share link itself, /share/postmortems/
// {token}, read without a bearer token (the token in the path is the credential). Responders and admins
// change; every role reads.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import {
  MEETING_WINDOW_HOURS,
  POSTMORTEM_STATES,
  postmortemDocument,
  SECTION_TITLES,
  SHARE_PATH,
  type PostmortemDetail,
} from '../../postmortems/index.js';
import type * as views from '../views/index.js';
import { sendDocument } from '../document-reply.js';
import { idParams, instant, ref } from '../schemas.js';
import { followUpView } from './follow-ups.js';

const tags = ['postmortems'];
const HOUR = 3_600_000;

export function postmortemView(pm: PostmortemDetail, now: Date): z.input<typeof views.Postmortem> {
  const { incident } = pm;
  const person = (u: { id: string; handle: string; name: string }) => ({ id: u.id, handle: u.handle, name: u.name });
  const [from, to] = MEETING_WINDOW_HOURS;
  const resolved = incident.resolvedAt?.getTime();
  return {
    id: pm.id,
    incident_id: incident.id,
    incident_number: incident.number,
    incident_title: incident.title,
    severity: incident.severity,
    resolved_at: incident.resolvedAt?.toISOString() ?? null,
    state: pm.state,
    owner: pm.owner && person(pm.owner),
    meeting_at: pm.meetingAt?.toISOString() ?? null,
    meeting_window:
      resolved === undefined
        ? null
        : { from: new Date(resolved + from * HOUR).toISOString(), to: new Date(resolved + to * HOUR).toISOString() },
    attendees: pm.attendeeUsers.map(person),
    published_at: pm.publishedAt?.toISOString() ?? null,
    shared: pm.shared,
    warnings: pm.warnings,
    sections: pm.sections.map((s) => ({
      key: s.key,
      title: SECTION_TITLES[s.key],
      text: s.text,
      version: s.version,
      updated_at: s.updatedAt.toISOString(),
      updated_by: s.updatedBy,
    })),
    timeline: pm.timeline.map((t) => ({
      entry_id: t.entryId,
      at: t.at.toISOString(),
      kind: t.kind,
      summary: t.summary,
      actor: t.actorName,
      included: t.included,
      annotation: t.annotation,
    })),
    action_items: pm.actionItems.map((f) => followUpView(f, now)),
    created_by: pm.createdBy,
    created_at: pm.createdAt.toISOString(),
    updated_at: pm.updatedAt.toISOString(),
  };
}

/** Markdown typed by people: may be empty (a cleared section), bounded, no NUL. */
const markdown = z
  .string()
  .max(100_000)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

const exportQuery = z.strictObject({ format: z.enum(['json', 'md', 'pdf']).default('json') });
const shareQuery = z.strictObject({ format: z.enum(['json', 'md']).default('json') });

export function postmortemRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const pm = app.postmortems;

  /** JSON, or the document as Markdown or PDF. */
  async function present(reply: FastifyReply, found: PostmortemDetail, format: 'json' | 'md' | 'pdf') {
    const now = app.clock.now();
    if (format === 'json') return reply.send(postmortemView(found, now));
    return sendDocument(reply, postmortemDocument(found), `${found.incident.number}-postmortem`, format, now);
  }

  r.post(
    '/api/v1/incidents/:id/postmortem',
    {
      schema: {
        tags,
        summary: "Create a resolved incident's post-mortem, prefilled from it (responder or admin)",
        description:
          'P0 and P1 incidents (VIGIL_POSTMORTEM_SEVERITIES) get theirs when they resolve. The impact section ' +
          'and the timeline are prefilled from the incident; the owner is its commander, else who resolved it; ' +
          "the attendees every responder; the incident's follow-ups are its action items.",
        params: idParams,
      },
    },
    async (request, reply) =>
      reply.code(201).send(postmortemView(await pm.create(request.actor, request.params.id), app.clock.now())),
  );

  r.get(
    '/api/v1/incidents/:id/postmortem',
    {
      schema: {
        tags,
        summary: "An incident's post-mortem as JSON, or exported as Markdown or PDF (any role)",
        params: idParams,
        querystring: exportQuery,
      },
    },
    async (request, reply) => present(reply, await pm.get(request.actor, request.params.id), request.query.format),
  );

  r.patch(
    '/api/v1/incidents/:id/postmortem',
    {
      schema: {
        tags,
        summary: "Change a post-mortem's state, owner, meeting time or attendees (responder or admin)",
        description:
          'States: draft → in_review → published, and in_review → draft; published is final. A meeting_at outside ' +
          '24–72 h after resolution is accepted with an entry in warnings.',
        params: idParams,
        body: z
          .strictObject({
            state: z.enum(POSTMORTEM_STATES),
            owner_id: ref.describe('A user id or handle, or "me".'),
            meeting_at: instant.nullable(),
            attendees: z.array(ref).max(200).describe('User ids or handles.'),
          })
          .partial(),
      },
    },
    async (request) => {
      const b = request.body;
      const changed = await pm.update(request.actor, request.params.id, {
        state: b.state,
        owner: b.owner_id,
        meetingAt: b.meeting_at,
        attendees: b.attendees,
      });
      return postmortemView(changed, app.clock.now());
    },
  );

  r.put(
    '/api/v1/incidents/:id/postmortem/sections/:key',
    {
      schema: {
        tags,
        summary: 'Replace a section’s Markdown, from the version read (a stale version → 409)',
        params: z.strictObject({ id: ref, key: ref }),
        body: z.strictObject({ text: markdown, version: z.number().int().min(1) }),
      },
    },
    async (request) => {
      const { id, key } = request.params;
      return postmortemView(await pm.updateSection(request.actor, id, key, request.body), app.clock.now());
    },
  );

  r.patch(
    '/api/v1/incidents/:id/postmortem/timeline/:entry',
    {
      schema: {
        tags,
        summary: 'Include or exclude one timeline entry of the post-mortem, and annotate it',
        params: z.strictObject({ id: ref, entry: ref }),
        body: z
          .strictObject({
            included: z.boolean(),
            annotation: markdown.max(5000).nullable(),
          })
          .partial(),
      },
    },
    async (request) => {
      const { id, entry } = request.params;
      return postmortemView(await pm.updateTimelineEntry(request.actor, id, entry, request.body), app.clock.now());
    },
  );

  r.post(
    '/api/v1/incidents/:id/postmortem/share',
    {
      schema: {
        tags,
        summary: 'A read-only share link with its own token, shown once (a new one replaces the old)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const shared: z.input<typeof views.PostmortemShare> = await pm.share(request.actor, request.params.id);
      return reply.code(201).send(shared);
    },
  );

  r.delete(
    '/api/v1/incidents/:id/postmortem/share',
    { schema: { tags, summary: 'Revoke the share link', params: idParams } },
    async (request, reply) => {
      await pm.unshare(request.actor, request.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    `${SHARE_PATH}:token`,
    {
      schema: {
        tags,
        summary: 'A shared post-mortem, read-only, as JSON or Markdown (no bearer token: the link is the credential)',
        security: [],
        params: z.strictObject({ token: ref }),
        querystring: shareQuery,
      },
    },
    async (request, reply) => present(reply, await pm.shared(request.params.token), request.query.format),
  );
}

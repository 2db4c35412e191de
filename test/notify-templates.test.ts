// Admin-edited notification templates (the HTTP API, validation, use in the initial notification and
// the preview, reset) and overdue status-update reminders swept by the engine, on both dialects with a
// fake clock. Delivery itself is covered by notify.test.ts; here the channels only record what they get.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { Engine } from '../src/engine/index.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import type { Channel, OutboundMessage } from '../src/notify/index.js';
import { SEED_TEMPLATES } from '../src/notify/template.js';
import { dueAfterReminder, firstUpdateDue } from '../src/notify/update-due.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Harness } from './http-harness.js';

const MIN = 60_000;

describe('update due times', () => {
  const at = new Date('2030-01-01T10:00:00.000Z');
  const plus = (ms: number) => new Date(at.getTime() + ms);
  it.each([
    ['P0', 30 * MIN],
    ['P1', 60 * MIN],
    ['P2', null],
    ['P3', null],
  ] as const)('the first %s update is due %s ms after opening', (severity, ms) => {
    expect(firstUpdateDue(severity, at)).toEqual(ms === null ? null : plus(ms));
  });
  it.each([
    // severity, due, now, next
    ['P0', 0, 0, 30 * MIN],
    ['P0', 0, 29 * MIN, 30 * MIN],
    ['P0', 0, 30 * MIN, 60 * MIN],
    ['P0', 0, 95 * MIN, 120 * MIN], // the engine was away: one reminder, then the next slot after now
    ['P1', 0, 5 * MIN, 60 * MIN],
    ['P2', 0, 5 * MIN, null],
  ] as const)(
    'after a %s reminder for the update due at +%i, at +%i, the next is due at %s',
    (severity, due, now, next) => {
      expect(dueAfterReminder(severity, plus(due), plus(now))).toEqual(next === null ? null : plus(next));
    },
  );
});

describeEachDialect('notification templates and update reminders', (env) => {
  const sent: OutboundMessage[] = [];
  const recorder: Channel = { send: async (m) => void sent.push(m) };
  const engines: Engine[] = [];
  const harnesses: Harness[] = [];
  const config = testConfig({ notify: { ...testConfig().notify, publicUrl: 'https://vigil.test.example' } });

  beforeAll(async () => {
    // Status updates are promises to stakeholders: reminders need someone to update.
    await createApp(config, env.database, new FakeClock()).notify.addStakeholder(env.admin, {
      name: 'Everyone',
      kind: 'email',
      address: 'everyone@stakeholders.example',
      severities: ['P0', 'P1', 'P2', 'P3'],
    });
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    for (const h of harnesses) await h.close();
  });

  function setup(start: string) {
    const clock = new FakeClock(start);
    const app: App = createApp(config, env.database, clock, { email: recorder, webhook: recorder });
    const logger = { info: vi.fn(), error: vi.fn() };
    const engine = app.engine.start(logger, 0, { wake: false }); // the test runs every sweep itself
    engines.push(engine);
    const tick = async () => {
      await engine.sweep();
      await engine.deliver();
      expect(logger.error).not.toHaveBeenCalled();
    };
    const person = async (label: string) => {
      const handle = unique(label);
      const user = await app.users.create(SYSTEM_ACTOR, { handle, name: handle, email: `${handle}@test.example` });
      await app.users.addContactMethod(env.admin, user.id, { kind: 'email', address: `${handle}@people.example` });
      return user;
    };
    const overdue = async (incidentId: string) =>
      (await app.incidents.timeline(env.admin, incidentId, { limit: 200 })).data.filter(
        (e) => e.kind === 'update_overdue',
      );
    const reminders = async (incidentId: string) =>
      (await app.notify.deliveries(env.admin, incidentId)).filter((n) => n.kind === 'reminder');
    const mailTo = (address: string) => sent.filter((m) => m.destination === address);
    return { clock, app, engine, tick, person, overdue, reminders, mailTo };
  }

  async function harness(clock?: FakeClock): Promise<Harness> {
    const h = await startHarness(env, { ...(clock && { clock }), config });
    harnesses.push(h);
    return h;
  }

  it('lists the seed templates, lets an admin replace one (audited) and reset it to the seed', async () => {
    const h = await harness();
    const [viewer, responder, admin] = [await h.caller('viewer'), await h.caller('responder'), await h.caller('admin')];

    const list = await h.call('GET', '/api/v1/templates', { as: viewer });
    expect(list.statusCode).toBe(200);
    const listed = list.json() as {
      data: Array<{ key: string; subject: string; customised: boolean; fields: string[] }>;
      next_cursor: null;
    };
    expect(listed.data.map((t) => [t.key, t.customised, t.subject])).toEqual([
      ['initial', false, SEED_TEMPLATES.initial.subject],
      ['resolution', false, SEED_TEMPLATES.resolution.subject],
      ['customer_notice', false, SEED_TEMPLATES.customer_notice.subject],
    ]);
    expect(listed.data[0]?.fields).toContain('next_update');

    const body = {
      subject: '[{{severity}}] {{title}} ({{incident_id}})',
      text: 'Impact: {{#impact}}{{impact}}{{/impact}}{{^impact}}unknown{{/impact}}\nNext update: {{next_update}}\n',
    };
    expectError(await h.call('PUT', '/api/v1/templates/initial', { as: responder, body }), 403, 'auth.forbidden');
    expectError(await h.call('DELETE', '/api/v1/templates/initial', { as: viewer }), 403, 'auth.forbidden');
    expectError(await h.call('GET', '/api/v1/templates/closing', { as: viewer }), 400, 'request.invalid');

    const put = await h.call('PUT', '/api/v1/templates/initial', { as: admin, body });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      key: 'initial',
      name: 'Initial Incident Notification',
      subject: body.subject,
      text: body.text,
      customised: true,
      updated_by: admin.handle,
      updated_at: h.clock.now().toISOString(),
    });
    expect((await h.call('GET', '/api/v1/templates/initial', { as: viewer })).json()).toMatchObject({
      customised: true,
      text: body.text,
    });
    expect((await h.call('GET', '/api/v1/templates/resolution', { as: viewer })).json()).toMatchObject({
      customised: false,
    });

    const audit = await h.app.audit.read(env.admin, { limit: 10, targetId: 'initial' });
    expect(audit.data.map((a) => a.action)).toEqual(['template.update']);
    expect(audit.data[0]).toMatchObject({ actor: { name: admin.handle } });

    const reset = await h.call('DELETE', '/api/v1/templates/initial', { as: admin });
    expect(reset.statusCode).toBe(204);
    expect((await h.call('GET', '/api/v1/templates/initial', { as: viewer })).json()).toMatchObject({
      customised: false,
      subject: SEED_TEMPLATES.initial.subject,
      text: SEED_TEMPLATES.initial.text,
      updated_at: null,
      updated_by: null,
    });
    // Resetting what is not customised is fine and not audited again.
    expect((await h.call('DELETE', '/api/v1/templates/initial', { as: admin })).statusCode).toBe(204);
    expect((await h.app.audit.read(env.admin, { limit: 10, targetId: 'initial' })).data.map((a) => a.action)).toEqual([
      'template.reset',
      'template.update',
    ]);
  });

  it(
    'refuses a template with an unknown field or a syntax error, ' +
      'naming field and position, and keeps what was stored',
    async () => {
      const h = await harness();
      const admin = await h.caller('admin');
      const good = { subject: 'RESOLVED {{incident_id}}', text: 'Resolved after {{duration}}.\n' };
      expect((await h.call('PUT', '/api/v1/templates/resolution', { as: admin, body: good })).statusCode).toBe(200);

      const unknown = expectError(
        await h.call('PUT', '/api/v1/templates/resolution', {
          as: admin,
          body: { subject: 'ok {{title}}', text: 'Line one\n- {{customer}}\n' },
        }),
        400,
        'template.invalid',
      );
      expect(unknown.message).toBe('text: unknown field "customer" at line 2, column 3');
      expect(unknown.details).toMatchObject({
        errors: [{ field: 'text', message: 'unknown field "customer" at line 2, column 3' }],
      });

      const syntax = expectError(
        await h.call('PUT', '/api/v1/templates/resolution', {
          as: admin,
          body: { subject: '{{#title}}x', text: 'a {{ title }} {{/impact}}' },
        }),
        400,
        'template.invalid',
      );
      expect((syntax.details as { errors: Array<{ field: string; message: string }> }).errors).toEqual([
        { field: 'subject', message: 'section "title" opened at line 1, column 1 is never closed' },
        { field: 'text', message: 'closing tag {{/impact}} at line 1, column 15 has no open section' },
      ]);

      const twoLines = expectError(
        await h.call('PUT', '/api/v1/templates/resolution', { as: admin, body: { subject: 'a\nb', text: 'x' } }),
        400,
        'template.invalid',
      );
      expect(twoLines.message).toBe('subject: must be a single line');
      expectError(
        await h.call('PUT', '/api/v1/templates/resolution', { as: admin, body: { subject: 'x' } }),
        400,
        'request.invalid',
      );
      expectError(
        await h.call('PUT', '/api/v1/templates/resolution', { as: admin, body: { subject: 'x', text: '   ' } }),
        400,
        'request.invalid',
      );

      expect((await h.call('GET', '/api/v1/templates/resolution', { as: admin })).json()).toMatchObject({
        customised: true,
        ...good,
      });
      expect(
        (await h.app.audit.read(env.admin, { limit: 10, targetId: 'resolution' })).data.map((a) => a.action),
      ).toEqual(['template.update']);
      expect((await h.call('DELETE', '/api/v1/templates/resolution', { as: admin })).statusCode).toBe(204);
    },
  );

  it(
    'sends the initial notification and the preview from the stored template, ' +
      'at once on every instance, and the seed text after a reset',
    async () => {
      const t = setup('2032-03-01T10:00:00.000Z');
      const other = createApp(config, env.database, t.clock); // a second instance on the same database
      await t.app.notify.templates.save(env.admin, 'initial', {
        subject: 'SEV {{severity}}: {{title}}',
        text: '{{incident_id}} next update {{next_update_iso}}{{#url}} {{url}}{{/url}}\n',
      });

      const incident = await t.app.incidents.create(env.admin, { title: 'payments failing', severity: 'P0' });
      const [initial] = (await t.app.notify.deliveries(env.admin, incident.id)).filter((n) => n.kind === 'initial');
      expect(initial).toMatchObject({
        destination: 'everyone@stakeholders.example',
        subject: 'SEV P0: payments failing',
        body:
          `${incident.number} next update 2032-03-01T10:30:00.000Z ` +
          `https://vigil.test.example/incidents/${incident.number}\n`,
      });
      expect(await other.notify.preview(env.admin, incident.id, 'initial')).toEqual({
        subject: initial?.subject,
        text: initial?.body,
      });

      await other.notify.templates.reset(env.admin, 'initial');
      const preview = await t.app.notify.preview(env.admin, incident.id, 'initial');
      expect(preview.subject).toBe('[P0] Production Incident - payments failing');
      expect(preview.text).toContain('NEXT UPDATE: 2032-03-01 10:30 UTC\n');
      const second = await t.app.incidents.create(env.admin, { title: 'search down', severity: 'P1' });
      const [seeded] = (await t.app.notify.deliveries(env.admin, second.id)).filter((n) => n.kind === 'initial');
      expect(seeded?.subject).toBe('[P1] Production Incident - search down');
      expect(seeded?.body).toContain('NEXT UPDATE: 2032-03-01 11:00 UTC\n');

      // The resolution template is used on resolve.
      await t.app.notify.templates.save(env.admin, 'resolution', {
        subject: 'Fixed: {{title}}',
        text: 'Took {{duration}}.\n',
      });
      t.clock.advance(42 * MIN);
      await t.app.incidents.resolve(env.admin, second.id);
      const [resolution] = (await t.app.notify.deliveries(env.admin, second.id)).filter((n) => n.kind === 'resolution');
      expect(resolution).toMatchObject({ subject: 'Fixed: search down', body: 'Took 42 min.\n' });
      await t.app.notify.templates.reset(env.admin, 'resolution');
      await t.app.incidents.resolve(env.admin, incident.id);
    },
  );

  it(
    'reminds the communication lead and the incident commander once when the update is overdue: ' +
      'not before, not twice, moved by an update, stopped by resolving',
    async () => {
      const t = setup('2032-03-02T10:00:00.000Z');
      const [ic, comms] = [await t.person('rm-ic'), await t.person('rm-comms')];
      const incident = await t.app.incidents.create(env.admin, { title: 'checkout 502', severity: 'P0' });
      await t.app.incidents.assignRole(env.admin, incident.id, 'incident_commander', ic.id);
      await t.app.incidents.assignRole(env.admin, incident.id, 'communication_lead', comms.id);

      t.clock.advance(30 * MIN - 1000);
      await t.tick();
      expect(await t.overdue(incident.id)).toHaveLength(0);

      t.clock.advance(1000);
      await t.tick();
      const [first] = await t.overdue(incident.id);
      expect(first?.data).toEqual({
        due_at: '2032-03-02T10:30:00.000Z',
        next_reminder_at: '2032-03-02T11:00:00.000Z',
        reminded: [comms.handle, ic.handle],
        via: 'roles',
        notifications: 2,
      });
      expect((await t.reminders(incident.id)).map((n) => [n.destination, n.state]).sort()).toEqual([
        [`${comms.handle}@people.example`, 'sent'],
        [`${ic.handle}@people.example`, 'sent'],
      ]);
      const [mail] = t.mailTo(`${ic.handle}@people.example`).filter((m) => m.subject.includes('Status update overdue'));
      expect(mail?.subject).toBe(`[P0] Status update overdue: checkout 502 (${incident.number})`);
      expect(mail?.body).toContain('was due at 2032-03-02 10:30 UTC');
      expect(mail?.payload).toMatchObject({ event: 'incident.update_overdue', due_at: '2032-03-02T10:30:00.000Z' });

      t.clock.advance(MIN);
      await t.tick();
      await t.tick();
      expect(await t.overdue(incident.id)).toHaveLength(1);

      // The next missed slot brings the next reminder, once even with two instances sweeping at the same moment.
      const otherEngine = createApp(config, env.database, t.clock, { email: recorder }).engine.start(
        { info: vi.fn(), error: vi.fn() },
        0,
      );
      engines.push(otherEngine);
      t.clock.set('2032-03-02T11:00:00.000Z');
      await Promise.all([t.engine.sweep(), otherEngine.sweep(), t.engine.sweep(), otherEngine.sweep()]);
      expect(await t.overdue(incident.id)).toHaveLength(2);
      expect(await t.reminders(incident.id)).toHaveLength(4);

      // A status update moves the due time to what it announced.
      t.clock.set('2032-03-02T11:05:00.000Z');
      expect(
        (
          await t.app.notify.statusUpdate(env.admin, incident.id, { statusText: 'Failing over.' })
        ).nextUpdateAt?.toISOString(),
      ).toBe('2032-03-02T11:35:00.000Z');
      t.clock.set('2032-03-02T11:34:59.000Z');
      await t.tick();
      expect(await t.overdue(incident.id)).toHaveLength(2);
      t.clock.set('2032-03-02T11:35:00.000Z');
      await t.tick();
      expect((await t.overdue(incident.id)).map((e) => e.data.due_at)).toEqual([
        '2032-03-02T11:35:00.000Z',
        '2032-03-02T11:00:00.000Z',
        '2032-03-02T10:30:00.000Z',
      ]);

      await t.app.incidents.resolve(env.admin, incident.id);
      t.clock.advance(5 * 60 * MIN);
      await t.tick();
      expect(await t.overdue(incident.id)).toHaveLength(3);
      expect(await t.reminders(incident.id)).toHaveLength(6);
    },
  );

  it(
    'reminds the admins when nobody holds the roles; ' +
      'a P2 has nothing due until an update names a time, then one reminder',
    async () => {
      const t = setup('2032-03-03T10:00:00.000Z');
      const admin = await t.person('rm-admin');
      await t.app.tokens.create(env.admin, { user: admin.id, name: 'ops', role: 'admin' });
      const p1 = await t.app.incidents.create(env.admin, { title: 'queue backlog', severity: 'P1' });
      const p2 = await t.app.incidents.create(env.admin, { title: 'slow reports', severity: 'P2' });

      t.clock.advance(60 * MIN);
      await t.tick();
      const [toAdmins] = await t.overdue(p1.id);
      expect(toAdmins?.data).toMatchObject({ due_at: '2032-03-03T11:00:00.000Z', via: 'admins' });
      expect(toAdmins?.data.reminded).toContain(admin.handle);
      const [mail] = t
        .mailTo(`${admin.handle}@people.example`)
        .filter((m) => m.subject.includes('Status update overdue'));
      expect(mail?.body).toContain('nobody holds the communication lead or incident commander role');
      expect(await t.overdue(p2.id)).toHaveLength(0);

      await t.app.notify.statusUpdate(env.admin, p2.id, {
        statusText: 'Looking into it.',
        nextUpdateAt: new Date('2032-03-03T11:20:00.000Z'),
      });
      t.clock.set('2032-03-03T11:20:00.000Z');
      await t.tick();
      expect((await t.overdue(p2.id)).map((e) => e.data)).toEqual([
        {
          due_at: '2032-03-03T11:20:00.000Z',
          next_reminder_at: null,
          reminded: expect.arrayContaining([admin.handle]) as unknown,
          via: 'admins',
          notifications: expect.any(Number) as unknown,
        },
      ]);
      t.clock.advance(3 * 60 * MIN);
      await t.tick();
      expect(await t.overdue(p2.id)).toHaveLength(1);

      // Raising a P2 that never had an update to P0 counts the P0 cadence from its opening.
      const p2b = await t.app.incidents.create(env.admin, { title: 'disk filling', severity: 'P2' });
      t.clock.advance(10 * MIN);
      await t.tick();
      expect(await t.overdue(p2b.id)).toHaveLength(0);
      await t.app.incidents.setSeverity(env.admin, p2b.id, 'P0');
      t.clock.advance(20 * MIN - 1000);
      await t.tick();
      expect(await t.overdue(p2b.id)).toHaveLength(0);
      t.clock.advance(1000);
      await t.tick();
      expect(await t.overdue(p2b.id)).toHaveLength(1);

      for (const id of [p1.id, p2.id, p2b.id]) await t.app.incidents.resolve(env.admin, id);
    },
  );
});

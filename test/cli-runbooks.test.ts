// `vigil runbook …` and `vigil incident checklist|tick|untick` run in-process (as main.ts runs them) against a
// real HTTP server on loopback, on both dialects: the seed's runbook listed and shown by phase, an incident's
// checklist with a step ticked by number and by id, one that completed itself, and one-line failures with a
// non-zero exit that change nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Caller, Harness } from './http-harness.js';

type Checklist = { done: number; steps: Array<{ id: string; done: boolean; completed_on: string | null }> };

describeEachDialect('vigil runbook and checklist CLI', (env) => {
  const clock = new FakeClock('2026-12-07T08:00:00Z');
  let h: Harness;
  let cli: Env;
  let responder: Caller;
  let incident: string;
  let other: string;
  const vigil = (...args: string[]) => inProcess(args, cli);
  const asResponder = (...args: string[]) => inProcess(args, { ...cli, VIGIL_TOKEN: responder.token });
  const checklist = async (ref: string) =>
    JSON.parse(expectSuccess(await vigil('incident', 'checklist', ref, '--json'))) as Checklist;

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    await h.app.checklists.importDefault();
    responder = await h.caller('responder', 'fixer');
    const open = async (title: string) =>
      (
        (
          await h.call('POST', '/api/v1/incidents', { as: cli.VIGIL_TOKEN, body: { title, severity: 'P2' } })
        ).json() as { number: string }
      ).number;
    incident = await open('Queue backlog');
    other = await open('Search slow');
  });
  afterAll(() => h.close());

  it('lists and shows runbooks', async () => {
    const listed = expectSuccess(await vigil('runbook', 'list'));
    expect(listed).toMatch(/^ID\s+NAME\s+APPLIES TO\s+STEPS\n/);
    expect(listed).toMatch(/rb_seed\s+Seed incident response runbook\s+default\s+50\n/);
    const shown = expectSuccess(await vigil('runbook', 'show', 'rb_seed'));
    expect(field(shown, 'default')).toBe('true');
    expect(shown).toContain(
      'detection\n   1  Acknowledge the alert  ' +
        '(run: production-monitoring acknowledge_alert; auto: incident.acknowledged)\n',
    );
    expect(shown).toContain('\npost_mortem\n  41  Hold the post-mortem meeting with all incident responders\n');
    const json = JSON.parse(expectSuccess(await vigil('runbook', 'show', 'rb_seed', '--json'))) as { steps: unknown[] };
    expect(json.steps).toHaveLength(50);
  });

  it("shows an incident's checklist, ticks and unticks steps by number or id", async () => {
    expect(expectSuccess(await asResponder('incident', 'tick', incident, '2'))).toBe(
      `${incident}: ticked 2. Check the system health dashboard\n`,
    );
    await h.call('POST', `/api/v1/incidents/${incident}/acknowledge`, { as: responder.token });
    const text = expectSuccess(await vigil('incident', 'checklist', incident));
    expect(text).toMatch(
      new RegExp(`^${incident}: checklist from Seed incident response runbook \\(rb_seed\\), 2/50 done`),
    );
    expect(text).toContain(
      '[x]  1  Acknowledge the alert  (run: production-monitoring acknowledge_alert; auto: incident.acknowledged)' +
        '  — completed on incident.acknowledged at 2026-12-07T08:00:00.000Z',
    );
    expect(text).toContain(
      '[x]  2  Check the system health dashboard  (run: production-monitoring health_check)  ' +
        `— ticked by ${responder.handle}`,
    );
    expect(text).toContain('[ ]  3  Verify the alert is authentic\n');

    const third = (await checklist(incident)).steps[2]?.id as string;
    expect(expectSuccess(await asResponder('incident', 'tick', incident, third))).toBe(
      `${incident}: ticked 3. Verify the alert is authentic\n`,
    );
    expect(expectSuccess(await asResponder('incident', 'untick', incident, '1'))).toBe(
      `${incident}: unticked 1. Acknowledge the alert\n`,
    );
    const after = await checklist(incident);
    expect(after.steps.slice(0, 3).map((s) => s.done)).toEqual([false, true, true]);
    expect(after.done).toBe(2);
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = await checklist(incident);
    const foreign = (await checklist(other)).steps[0]?.id as string;
    expectOneLineFailure(await asResponder('incident', 'tick', incident, foreign), /does not exist/);
    expectOneLineFailure(await asResponder('incident', 'tick', incident, '99'), /has no step 99 \(it has 50\)/);
    expectOneLineFailure(await asResponder('incident', 'tick', incident, '2'), /already done/);
    expectOneLineFailure(await asResponder('incident', 'untick', incident, '4'), /not done/);
    expectOneLineFailure(await asResponder('incident', 'checklist', 'INC-20000101-0000'), /does not exist/);
    expectOneLineFailure(await vigil('runbook', 'show', 'rb_none'), /does not exist/);
    expectOneLineFailure(await asResponder('incident', 'tick', incident), /step/);
    expect(await checklist(incident)).toEqual(before);
    expect((await checklist(other)).done).toBe(0);
  });
});

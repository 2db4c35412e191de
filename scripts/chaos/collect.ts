// The database snapshot the invariants read, taken after every instance has stopped. Plain SQL over
// `pg`, straight from the tables (src/db/schema.ts describes them); the harness does not use Vigil's
// code to read Vigil's data, so a bug there cannot hide itself.
import pg from 'pg';
import type { DbSnapshot } from './records.js';

const ms = (value: string | null): number | null => (value ? Date.parse(value) : null);
const json = (text: string | null): Record<string, unknown> => {
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Timeline kinds the invariants read. */
const TIMELINE_KINDS = ['escalated', 'escalation_skipped', 'notification_sent', 'notification_dead', 'reopened'];

export async function collectSnapshot(url: string): Promise<DbSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<R>(sql, params)).rows;

    const notifications = (
      await q<Record<string, string | null>>(
        `SELECT id, incident_id, kind, channel, destination, page_id, state, attempts::text AS attempts,
                last_error, created_at, sent_at FROM notifications`,
      )
    ).map((r) => ({
      id: String(r.id),
      incidentId: r.incident_id ?? null,
      kind: String(r.kind),
      channel: String(r.channel),
      destination: String(r.destination),
      pageId: r.page_id ?? null,
      state: String(r.state),
      attempts: Number(r.attempts),
      lastError: r.last_error ?? null,
      createdMs: ms(r.created_at ?? null) ?? 0,
      sentMs: ms(r.sent_at ?? null),
    }));

    const pages = (
      await q<Record<string, string>>(
        `SELECT id, incident_id, run::text AS run, level::text AS level, "loop"::text AS loop, user_id, at FROM pages`,
      )
    ).map((r) => ({
      id: r.id as string,
      incidentId: r.incident_id as string,
      run: Number(r.run),
      level: Number(r.level),
      loop: Number(r.loop),
      userId: r.user_id as string,
      atMs: Date.parse(r.at as string),
    }));

    const incidents = (
      await q<Record<string, string | null>>(
        `SELECT id, title, status, service_id, group_key, created_at, acknowledged_at, resolved_at FROM incidents`,
      )
    ).map((r) => ({
      id: String(r.id),
      title: String(r.title),
      status: String(r.status),
      serviceId: r.service_id ?? null,
      groupKey: r.group_key ?? null,
      createdMs: ms(r.created_at ?? null) ?? 0,
      acknowledgedMs: ms(r.acknowledged_at ?? null),
      resolvedMs: ms(r.resolved_at ?? null),
    }));

    const timeline = (
      await q<Record<string, string>>(`SELECT incident_id, at, kind, data FROM incident_events WHERE kind = ANY($1)`, [
        TIMELINE_KINDS,
      ])
    ).map((r) => ({
      incidentId: r.incident_id as string,
      atMs: Date.parse(r.at as string),
      kind: r.kind as string,
      data: json(r.data ?? null),
    }));

    const escalations = (
      await q<Record<string, string>>(`SELECT incident_id, policy_id, run::text AS run, started_at FROM escalations`)
    ).map((r) => ({
      incidentId: r.incident_id as string,
      policyId: r.policy_id as string,
      run: Number(r.run),
      startedMs: Date.parse(r.started_at as string),
    }));

    const policies = (
      await q<Record<string, string>>(
        `SELECT id, escalate_while, repeat::text AS repeat, levels FROM escalation_policies`,
      )
    ).map((r) => {
      const levels = JSON.parse(r.levels as string) as Array<{ delaySeconds?: number; delay_seconds?: number }>;
      return {
        id: r.id as string,
        escalateWhile: r.escalate_while as string,
        repeat: Number(r.repeat),
        delaysSeconds: levels.map((l) => Number(l.delaySeconds ?? l.delay_seconds ?? 0)),
      };
    });

    const alerts = (
      await q<Record<string, string | null>>(`SELECT service_id, dedup_key, incident_id FROM alerts`)
    ).map((r) => ({
      serviceId: String(r.service_id),
      dedupKey: String(r.dedup_key),
      incidentId: r.incident_id ?? null,
    }));

    // The load's own ids, wherever each format keeps custom details (PagerDuty) or annotations (webhooks).
    const triggerIds = new Set(
      (
        await q<{ id: string | null }>(
          `SELECT coalesce(data::jsonb #>> '{customDetails,chaos_event}',
                           data::jsonb #>> '{customDetails,annotations,chaos_event}') AS id
             FROM alert_events WHERE action = 'trigger'`,
        )
      ).flatMap((r) => (r.id ? [r.id] : [])),
    );
    const changeIds = new Set(
      (
        await q<{ id: string | null }>(
          `SELECT details::jsonb #>> '{custom_details,chaos_event}' AS id FROM change_events`,
        )
      ).flatMap((r) => (r.id ? [r.id] : [])),
    );

    const monitorRows = await q<Record<string, string>>(
      `SELECT id, kind, interval_seconds::text AS interval_seconds, created_at FROM monitors`,
    );
    const samples = await q<{ monitor_id: string; at: string; ok: string }>(
      `SELECT monitor_id, at, ok::text AS ok FROM monitor_samples ORDER BY at`,
    );
    const monitors = monitorRows.map((m) => {
      const own = samples.filter((s) => s.monitor_id === m.id);
      return {
        id: m.id as string,
        kind: m.kind as string,
        intervalSeconds: Number(m.interval_seconds),
        createdMs: Date.parse(m.created_at as string),
        samplesMs: own.map((s) => Date.parse(s.at)),
        okSamples: own.filter((s) => s.ok === '1' || s.ok === 'true').length,
      };
    });

    return {
      notifications,
      pages,
      incidents,
      timeline,
      escalations,
      policies,
      alerts,
      triggerIds,
      changeIds,
      monitors,
    };
  } finally {
    await client.end();
  }
}

// The seed's five Phase 3 steps as example definitions, written disabled at the first start so that
// nothing runs until an admin has pointed them at real systems (docs/actions.md, "Adapting the examples").
// The runner commands they name are in docs/examples/runner.yaml, with the seed's own command lines.
import type { ActionSpec } from './action.js';

export const EXAMPLE_DEFINITIONS: readonly ActionSpec[] = [
  {
    name: 'maintenance-mode',
    category: 'maintenance_mode',
    description:
      'Seed Phase 3: "Enable maintenance mode if necessary". Turns the application\'s maintenance page on through ' +
      "its admin API, and opens Vigil's own maintenance window on the service for the same time.",
    enabled: false,
    serviceIds: [],
    params: [
      { name: 'duration_minutes', type: 'integer', min: 5, max: 480, default: 30, required: true },
      {
        name: 'message',
        type: 'string',
        max: 300,
        default: 'We are performing emergency maintenance.',
        required: false,
      },
      { name: 'dry_run', type: 'boolean', default: false, required: false },
    ],
    target: {
      kind: 'http',
      method: 'POST',
      url: 'https://admin.example.com/api/maintenance',
      headers: { 'Content-Type': 'application/json' },
      secretHeaders: {},
      body: {
        enabled: true,
        minutes: '{{params.duration_minutes}}',
        message: '{{params.message}}',
        incident: '{{incident.number}}',
        dry_run: '{{params.dry_run}}',
      },
    },
    dryRun: { supported: true, param: 'dry_run', flag: null },
    timeoutSeconds: 60,
    approval: 'none',
  },
  {
    name: 'rate-limit',
    category: 'rate_limit',
    description: 'Seed Phase 3: "Implement rate limiting". Sets a requests-per-second limit at the gateway.',
    enabled: false,
    serviceIds: [],
    params: [
      { name: 'route', type: 'string', pattern: '/[A-Za-z0-9/_-]*', default: '/', required: true },
      { name: 'requests_per_second', type: 'integer', min: 1, max: 100_000, required: true },
      { name: 'dry_run', type: 'boolean', default: false, required: false },
    ],
    target: {
      kind: 'http',
      method: 'PUT',
      url: 'https://gateway.example.com/limits?route={{params.route}}',
      headers: { 'Content-Type': 'application/json' },
      secretHeaders: {},
      body: { rps: '{{params.requests_per_second}}', reason: '{{incident.number}}', dry_run: '{{params.dry_run}}' },
    },
    dryRun: { supported: true, param: 'dry_run', flag: null },
    timeoutSeconds: 60,
    approval: 'none',
  },
  {
    name: 'failover-backup',
    category: 'failover',
    description: 'Seed Phase 3: "Route traffic to backup systems". Shifts traffic to the backup region.',
    enabled: false,
    serviceIds: [],
    params: [{ name: 'region', type: 'enum', enum: ['backup-eu', 'backup-us'], required: true }],
    target: { kind: 'runner', group: 'production', command: 'failover' },
    dryRun: { supported: true, param: null, flag: '--dry-run' },
    timeoutSeconds: 600,
    approval: 'p0_p1',
  },
  {
    name: 'restart-function',
    category: 'restart',
    description:
      'Seed Phase 3: "Restart failed services" — ' +
      'supabase functions deploy trust-scorer --project-ref YOUR_PROJECT_REF.',
    enabled: false,
    serviceIds: [],
    params: [
      { name: 'function', type: 'string', pattern: '[a-z0-9][a-z0-9-]{0,62}', default: 'trust-scorer', required: true },
      { name: 'project', type: 'string', pattern: '[a-z0-9]{20}', required: true },
    ],
    target: { kind: 'runner', group: 'production', command: 'supabase-deploy' },
    dryRun: { supported: true, param: null, flag: '--dry-run' },
    timeoutSeconds: 600,
    approval: 'p0_p1',
  },
  {
    name: 'rollback-previous',
    category: 'rollback',
    description:
      'Seed Phase 3: "Rollback to previous version if needed" — ./.azure/scripts/rollback-scripts.ps1 ' +
      '-Environment production -RollbackTarget previous (through pwsh on the runner).',
    enabled: false,
    serviceIds: [],
    params: [
      { name: 'environment', type: 'enum', enum: ['production', 'staging'], default: 'production', required: true },
      { name: 'version', type: 'string', pattern: '[A-Za-z0-9._-]{1,100}', default: 'previous', required: true },
    ],
    target: { kind: 'runner', group: 'production', command: 'rollback' },
    dryRun: { supported: true, param: null, flag: '-WhatIf' },
    timeoutSeconds: 900,
    approval: 'p0_p1',
  },
];

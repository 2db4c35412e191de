// The default runbook: the seed's Phases 1–4 checklists, its "Immediate Post-Resolution (0–24 hours)" list
// and its "Post-Mortem Process (24–72 hours)" list, as steps. Written once into the database at first start
// (checklists.service importDefault); after that the stored copy is the one admins edit.
import type { RunbookPhase, RunbookStep, StepCall } from './runbook.js';

export const DEFAULT_RUNBOOK_ID = 'rb_seed';
export const DEFAULT_RUNBOOK_NAME = 'Seed incident response runbook';
export const DEFAULT_RUNBOOK_DESCRIPTION =
  "The seed's incident response process: Phases 1–4, the first 24 hours after the resolve, and the " +
  'post-mortem process (24–72 hours).';

const call = (fn: string, action: string): StepCall => ({ function: fn, action });

/** [phase, text, call?, auto-complete event?, mitigation action?] for each step, in the seed's order. */
type Row = [RunbookPhase, string, StepCall?, string?, string?];

const ROWS: readonly Row[] = [
  // Phase 1: Detection and Initial Response (0–5 minutes)
  ['detection', 'Acknowledge the alert', call('production-monitoring', 'acknowledge_alert'), 'incident.acknowledged'],
  ['detection', 'Check the system health dashboard', call('production-monitoring', 'health_check')],
  ['detection', 'Verify the alert is authentic'],
  ['detection', 'Assess the scope of user impact'],
  ['detection', 'Determine the severity level'],
  ['detection', 'Create the incident channel'],
  ['detection', 'Post the initial status update'],
  ['detection', 'Notify stakeholders (P0/P1 incidents)'],
  // Phase 2: Investigation and Diagnosis (5–20 minutes)
  ['investigation', 'Run the comprehensive health check', call('production-monitoring', 'health_check')],
  ['investigation', 'Check database performance', call('database-scalability', 'health_check')],
  ['investigation', 'Check recent errors', call('error-tracking', 'get_error_analytics')],
  ['investigation', 'Review the performance report', call('production-monitoring', 'performance_report')],
  ['investigation', 'Analyse the function logs (vigil logs)'],
  // Phase 3: Immediate Mitigation (20–45 minutes)
  // (The actions named are the shipped examples, disabled until an admin adapts them: docs/actions.md.)
  ['mitigation', 'Enable maintenance mode if necessary', undefined, undefined, 'maintenance-mode'],
  ['mitigation', 'Implement rate limiting', undefined, undefined, 'rate-limit'],
  ['mitigation', 'Route traffic to backup systems', undefined, undefined, 'failover-backup'],
  ['mitigation', 'Restart failed services', undefined, undefined, 'restart-function'],
  ['mitigation', 'Roll back to the previous version if needed', undefined, undefined, 'rollback-previous'],
  ['mitigation', 'Check the database connection pool', call('database-scalability', 'connection_pool_status')],
  ['mitigation', 'Run database health diagnostics; apply emergency database fixes if needed'],
  // Phase 4: Full Resolution and Recovery (45+ minutes)
  ['resolution', 'Identify the underlying cause'],
  ['resolution', 'Document the timeline of events'],
  ['resolution', 'Assess contributing factors'],
  ['resolution', 'Determine preventive measures'],
  ['resolution', 'Verify all services are operational'],
  ['resolution', 'Run comprehensive tests'],
  ['resolution', 'Monitor for stability'],
  ['resolution', 'Update monitoring thresholds if needed'],
  ['resolution', 'Update stakeholders'],
  ['resolution', 'Prepare the incident summary'],
  ['resolution', 'Schedule the post-mortem meeting', undefined, 'postmortem.meeting_scheduled'],
  // Immediate Post-Resolution (0–24 hours)
  ['post_resolution', 'Enhanced monitoring for 24 hours', undefined, 'monitoring.enhanced_window_ended'],
  ['post_resolution', 'Verify no recurring issues'],
  ['post_resolution', 'Monitor error rates and performance', call('production-monitoring', 'performance_report')],
  ['post_resolution', 'Complete the incident timeline'],
  ['post_resolution', 'Gather all relevant logs and metrics'],
  ['post_resolution', 'Document all actions taken'],
  ['post_resolution', 'Send resolution confirmation', undefined, 'notification.resolution_delivered'],
  ['post_resolution', 'Update status pages'],
  ['post_resolution', 'Prepare customer communication if needed'],
  // Post-Mortem Process (24–72 hours)
  ['post_mortem', 'Hold the post-mortem meeting with all incident responders'],
  ['post_mortem', 'Review the timeline and actions'],
  ['post_mortem', 'Identify improvement opportunities'],
  ['post_mortem', 'Assign action items: technical improvements'],
  ['post_mortem', 'Assign action items: process improvements'],
  ['post_mortem', 'Assign action items: monitoring enhancements'],
  ['post_mortem', 'Assign action items: training needs'],
  ['post_mortem', 'Complete the post-mortem report'],
  ['post_mortem', 'Update runbooks based on learnings'],
  ['post_mortem', 'Share lessons learned with the team'],
];

/** The default runbook's steps, fresh objects each call. */
export function defaultSteps(): RunbookStep[] {
  return ROWS.map(([phase, text, stepCall, on, action]) => ({
    phase,
    text,
    link: null,
    call: stepCall ? { ...stepCall } : null,
    autoCompleteOn: on ?? null,
    action: action ?? null,
  }));
}

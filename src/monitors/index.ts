export {
  createMonitorsService,
  type MonitorsService,
  type MonitorInput,
  type MonitorPatch,
} from './monitors.service.js';
export { monitorStats, type StatsRow } from './stats.repo.js';
export { lastCheckByService } from './monitors.repo.js';
export type { Sample } from './monitors.repo.js';
export {
  DEFAULTS as MONITOR_DEFAULTS,
  ENHANCED_FOR_MS,
  MONITOR_KINDS,
  effectiveInterval,
  type Monitor,
  type MonitorKind,
  type MonitorState,
} from './monitor.js';
export { DEFAULT_RUNNER, RAW_RETENTION_MS, type MonitorRunner, type RunnerOptions } from './runner.js';

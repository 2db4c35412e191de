export { createPerformanceService, DEGRADATION_WINDOW_MS, type PerformanceService } from './performance.service.js';
export { baselineRanges, degradationLevel, degradationPct, windowRange, type Range } from './baseline.js';

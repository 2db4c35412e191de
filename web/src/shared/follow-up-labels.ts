// A follow-up's kind, priority and state in words, shared by the Follow-ups screen and the post-mortem
// page's action items.
import type { Tone } from '../ui/index.ts';
import type { FollowUp } from './api.ts';

export const KIND_LABEL: Record<FollowUp['kind'], string> = {
  technical: 'Technical',
  process: 'Process',
  monitoring: 'Monitoring',
  training: 'Training',
};

export const PRIORITY_LABEL: Record<FollowUp['priority'], string> = {
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const PRIORITY_TONE: Record<FollowUp['priority'], Tone> = {
  urgent: 'danger',
  high: 'warning',
  medium: 'neutral',
  low: 'neutral',
};

export const STATUS_LABEL: Record<FollowUp['status'], string> = {
  outstanding: 'Outstanding',
  completed: 'Done',
  not_doing: 'Not doing',
  deleted: 'Deleted',
};

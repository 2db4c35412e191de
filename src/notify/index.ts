export { createNotifyService, type NotifyService, type Notice } from './notify.service.js';
export { createChannels } from './channels/index.js';
export {
  createDispatcher,
  DEFAULT_DISPATCH,
  backoffMs,
  type DeliveryEvents,
  type Dispatcher,
  type DispatchOptions,
} from './dispatcher.js';
export {
  CHANNELS,
  ChannelError,
  type Channel,
  type Channels,
  type ChannelKind,
  type OutboundMessage,
} from './channel.js';
export type { Notification, NotificationState } from './outbox.repo.js';
export type { NotificationRule } from './rules.repo.js';
export type { Stakeholder } from './stakeholders.repo.js';
export { TEMPLATE_KEYS, MAX_SUBJECT_LENGTH, type TemplateKey, type TemplateView } from './templates.service.js';
export { MAX_TEMPLATE_LENGTH, TEMPLATE_FIELDS } from './template.js';
export { UPDATE_CADENCE_MS } from './update-due.js';

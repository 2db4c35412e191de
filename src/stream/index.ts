export { createStreamService, type StreamService, type Sink, type Subscription } from './stream.service.js';
export type { CommittedEntry, StreamEvent, StreamFilter } from './events.js';

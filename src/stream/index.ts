export { createStreamService, type StreamService, type Sink, type Subscription } from './stream.service.js';
export type { StreamEvent, StreamFilter } from './events.js';

export { buildServer, type ServerOptions } from './server.js';
export { createLogBuffer, type LogBuffer } from './log-buffer.js';

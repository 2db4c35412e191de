export { runCli, type CliIo } from './run.js';
export type { LocalCommands } from './program.js';

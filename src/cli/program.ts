// `vigil <noun> <verb>`: serve and migrate run locally (main.ts hands them in, loading the server only
// for them, so client commands start fast); everything else calls the HTTP API.
import { Command, Option } from 'commander';
import { TOKEN_ROLES } from '../access/index.js';
import { actionCommands } from './commands/actions.js';
import { alertCommands, eventCommands } from './commands/alert.js';
import { analyticsCommand } from './commands/analytics.js';
import { followUpCommands } from './commands/follow-ups.js';
import { postmortemCommands } from './commands/postmortem.js';
import { gdprCommands } from './commands/gdpr.js';
import { incidentCommands } from './commands/incident.js';
import { logsCommand } from './commands/logs.js';
import { monitorCommands } from './commands/monitor.js';
import { runbookCommands, withChecklistCommands } from './commands/runbooks.js';
import { runnerCommand } from './commands/runner.js';
import { oncallCommand, policyCommands, scheduleCommands } from './commands/oncall.js';
import { serviceCommands } from './commands/service.js';
import { stakeholderCommands } from './commands/stakeholder.js';
import { statusCommands } from './commands/status.js';
import { tokenCommands, userCommands } from './commands/people.js';

/** The commands that run against the database directly rather than the HTTP API (serve.ts). */
export interface LocalCommands {
  serve(options: { host?: string; port?: string; dataDir?: string }): Promise<void>;
  migrate(options: { dataDir?: string }): Promise<void>;
}

export function buildProgram(local: LocalCommands): Command {
  const program = new Command('vigil')
    .description(
      'Vigil: self-hosted incident response.\n' +
        'Client commands talk to VIGIL_URL (default http://127.0.0.1:8080) with VIGIL_TOKEN; without it, ' +
        'with the admin token the server saved: $VIGIL_DATA_DIR/admin-token, or when VIGIL_DATA_DIR is unset ' +
        './data/admin-token, then data/admin-token in the folder Vigil runs from.',
    )
    .version('0.1.0');

  program
    .command('serve')
    .description('run the server: migrate, bootstrap the admin token, listen and sweep due work')
    .option('--host <host>', 'address to listen on (VIGIL_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (VIGIL_PORT, default 8080; 0 picks a free port and prints it)')
    .option('--data-dir <dir>', 'where SQLite and the admin token live (VIGIL_DATA_DIR, default ./data)')
    .action((o: { host?: string; port?: string; dataDir?: string }) => local.serve(o));

  program
    .command('migrate')
    .description('apply pending database migrations and exit (serve also does this on start)')
    .option('--data-dir <dir>', 'where SQLite lives (VIGIL_DATA_DIR, default ./data)')
    .action((o: { dataDir?: string }) => local.migrate(o));

  program.addCommand(
    tokenCommands(new Option('--role <role>', 'admin, responder or viewer').choices(TOKEN_ROLES).makeOptionMandatory()),
  );
  program.addCommand(userCommands());
  program.addCommand(serviceCommands());
  program.addCommand(withChecklistCommands(incidentCommands()));
  program.addCommand(runbookCommands());
  program.addCommand(oncallCommand());
  program.addCommand(scheduleCommands());
  program.addCommand(policyCommands());
  program.addCommand(alertCommands());
  program.addCommand(eventCommands());
  program.addCommand(logsCommand());
  program.addCommand(monitorCommands());
  program.addCommand(gdprCommands());
  program.addCommand(followUpCommands());
  program.addCommand(postmortemCommands());
  program.addCommand(analyticsCommand());
  program.addCommand(stakeholderCommands());
  program.addCommand(statusCommands());
  program.addCommand(actionCommands());
  program.addCommand(runnerCommand());
  return program;
}

// `vigil gdpr …`: the GDPR module from the terminal — the consent ledger, the breach register with its
// 72-hour clock, data-subject requests and the compliance report. Each part adds its own commands.
import { Command } from 'commander';
// Data-subject requests and the compliance report (the lead's part):
import { addRequestCommands } from './gdpr-requests.js';
// GDPR breaches (issue 20, part "breaches")
import { addBreachCommands } from './gdpr-breaches.js';

export function gdprCommands(): Command {
  const gdpr = new Command('gdpr').description(
    'GDPR: consent ledger, breach register (72-hour clock), data-subject requests, compliance report',
  );
  // Data-subject requests and the compliance report (the lead's part):
  addRequestCommands(gdpr);
  // GDPR breaches (issue 20, part "breaches")
  addBreachCommands(gdpr);
  return gdpr;
}

// `vigil gdpr …`: the GDPR module from the terminal — the consent ledger, the breach register with its
// 72-hour clock, data-subject requests and the compliance report. Each part adds its own commands.
import { Command } from 'commander';
// GDPR breaches (issue 20, part "breaches")
import { addBreachCommands } from './gdpr-breaches.js';

export function gdprCommands(): Command {
  const gdpr = new Command('gdpr').description(
    'GDPR: consent ledger, breach register (72-hour clock), data-subject requests, compliance report',
  );
  // GDPR breaches (issue 20, part "breaches")
  addBreachCommands(gdpr);
  return gdpr;
}

// `vigil gdpr …`: the GDPR module from the terminal — the consent ledger, the breach register with its
// 72-hour clock, data-subject requests and the compliance report.
import { Command } from 'commander';
import { addBreachCommands } from './gdpr-breaches.js';
import { addLedgerCommands } from './gdpr-ledger.js';
import { addReportCommands, addRequestCommands } from './gdpr-requests.js';

export function gdprCommands(): Command {
  const gdpr = new Command('gdpr').description(
    'GDPR: consent ledger, breach register (72-hour clock), data-subject requests, compliance report',
  );
  addLedgerCommands(gdpr);
  addBreachCommands(gdpr);
  addRequestCommands(gdpr);
  addReportCommands(gdpr);
  return gdpr;
}

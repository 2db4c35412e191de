// `vigil gdpr …`: the GDPR module from the terminal — the consent ledger, the breach register with its
// 72-hour clock, data-subject requests and the compliance report. Each part adds its own commands.
import { Command } from 'commander';
// The consent ledger (issue 20, part ledger)
import { addLedgerCommands } from './gdpr-ledger.js';

export function gdprCommands(): Command {
  const gdpr = new Command('gdpr').description(
    'GDPR: consent ledger, breach register (72-hour clock), data-subject requests, compliance report',
  );
  // The consent ledger (issue 20, part ledger)
  addLedgerCommands(gdpr);
  return gdpr;
}

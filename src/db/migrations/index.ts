// The ordered list of migrations. Bundled in code (not read from a folder) so the built package needs no file globbing.
import type { Migration } from 'kysely';
import * as foundation from './001-foundation.js';
import * as auditAppendOnly from './002-audit-append-only.js';
import * as alerts from './003-alerts.js';
import * as grafanaSignature from './004-grafana-signature.js';
import * as oncall from './005-oncall.js';
import * as notify from './006-notify.js';
import * as templates from './007-templates.js';
import * as functions from './008-functions.js';
import * as outboxIndexes from './009-outbox-indexes.js';
import * as monitoredDatabases from './010-monitored-databases.js';
import * as monitors from './011-monitors.js';
import * as errors from './012-errors.js';
import * as sessions from './013-sessions.js';
import * as sendStarted from './014-send-started.js';
import * as resolveAlertsOfResolvedIncidents from './015-resolve-alerts-of-resolved-incidents.js';
import * as privacyFlag from './016-privacy-flag.js';
import * as gdprLedger from './017-gdpr-ledger.js';
import * as gdprBreaches from './018-gdpr-breaches.js';
import * as gdprRequests from './019-gdpr-requests.js';
import * as followUps from './020-follow-ups.js';
import * as runbooks from './021-runbooks.js';
import * as postmortems from './022-postmortems.js';
import * as analyticsIndexes from './023-analytics-indexes.js';
import * as interruptionsIndex from './024-interruptions-index.js';
import * as statusPage from './025-status-page.js';
import * as actions from './026-actions.js';

export const migrations: Record<string, Migration> = {
  '001-foundation': foundation,
  '002-audit-append-only': auditAppendOnly,
  '003-alerts': alerts,
  '004-grafana-signature': grafanaSignature,
  '005-oncall': oncall,
  '006-notify': notify,
  '007-templates': templates,
  '008-functions': functions,
  '009-outbox-indexes': outboxIndexes,
  '010-monitored-databases': monitoredDatabases,
  '011-monitors': monitors,
  '012-errors': errors,
  '013-sessions': sessions,
  '014-send-started': sendStarted,
  '015-resolve-alerts-of-resolved-incidents': resolveAlertsOfResolvedIncidents,
  '016-privacy-flag': privacyFlag,
  '017-gdpr-ledger': gdprLedger,
  '018-gdpr-breaches': gdprBreaches,
  '019-gdpr-requests': gdprRequests,
  '020-follow-ups': followUps,
  '021-runbooks': runbooks,
  '022-postmortems': postmortems,
  '023-analytics-indexes': analyticsIndexes,
  '024-interruptions-index': interruptionsIndex,
  '025-status-page': statusPage,
  '026-actions': actions,
};

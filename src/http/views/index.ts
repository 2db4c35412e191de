// The JSON the web console reads, as zod schemas: the registry that scripts/api-types.ts turns into
// web/src/shared/api-types.gen.ts (`npm run api-types`). Presenters in src/http/ are typed against
// these schemas, so a field renamed on one side fails the server's typecheck, and then the console's.
// They are not Fastify response schemas: serialization stays as it is.
import type { z } from 'zod';
import * as actions from './actions.js';
import * as analytics from './analytics.js';
import * as errors from './errors.js';
import * as escalation from './escalation.js';
import * as followUps from './follow-ups.js';
import * as functions from './functions.js';
import * as gdprRequests from './gdpr-requests.js';
import * as gdprBreaches from './gdpr-breaches.js';
import * as gdprLedger from './gdpr-ledger.js';
import * as incidents from './incidents.js';
import * as notify from './notify.js';
import * as people from './people.js';
import * as runbooks from './runbooks.js';
import * as postmortems from './postmortems.js';
import * as schedules from './schedules.js';
import * as services from './services.js';
import * as status from './status.js';

/** Type name → schema, in the order the generated file lists them. */
export const API_VIEWS: Readonly<Record<string, z.ZodType>> = {
  ...incidents,
  ...people,
  ...services,
  ...escalation,
  ...schedules,
  ...notify,
  ...errors,
  ...functions,
  ...gdprRequests,
  ...gdprBreaches,
  ...gdprLedger,
  ...followUps,
  ...runbooks,
  ...postmortems,
  ...analytics,
  ...status,
  ...actions,
};

export * from './actions.js';
export * from './analytics.js';
export * from './errors.js';
export * from './escalation.js';
export * from './follow-ups.js';
export * from './functions.js';
export * from './gdpr-requests.js';
export * from './gdpr-breaches.js';
export * from './gdpr-ledger.js';
export * from './incidents.js';
export * from './notify.js';
export * from './people.js';
export * from './runbooks.js';
export * from './postmortems.js';
export * from './schedules.js';
export * from './services.js';
export * from './status.js';

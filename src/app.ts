// Wires the features together over one database and clock. main.ts and the tests both start here.
import { createAlertsService, createIngestService } from './alerts/index.js';
import { createAuditService } from './audit/index.js';
import { createTokensService } from './auth/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { createIncidentsService } from './incidents/index.js';
import { createServicesService } from './services/index.js';
import { createUsersService } from './users/index.js';

export interface App {
  config: Config;
  clock: Clock;
  database: Database;
  users: ReturnType<typeof createUsersService>;
  tokens: ReturnType<typeof createTokensService>;
  services: ReturnType<typeof createServicesService>;
  incidents: ReturnType<typeof createIncidentsService>;
  alerts: ReturnType<typeof createAlertsService>;
  ingest: ReturnType<typeof createIngestService>;
  audit: ReturnType<typeof createAuditService>;
}

export function createServices(config: Config, database: Database, clock: Clock): App {
  const { db } = database;
  const users = createUsersService({ db, clock });
  const tokens = createTokensService({ db, clock, users });
  const services = createServicesService({ db, clock });
  const incidents = createIncidentsService({ db, clock, responseTargets: config.responseTargets, users, services });
  const alerts = createAlertsService({ db, services, incidents });
  const ingest = createIngestService({ db, clock, services, incidents, options: config.ingest });
  const audit = createAuditService({ db });
  return { config, clock, database, users, tokens, services, incidents, alerts, ingest, audit };
}

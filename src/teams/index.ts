export { createTeamsService, type TeamsService, type TeamInput } from './teams.service.js';
export type { Team } from './teams.repo.js';

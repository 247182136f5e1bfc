/** Builds every repository over one context (connection or transaction). */
import type { Ctx } from '../context.ts';
import type { Repositories } from '../types.ts';
import { usersRepo } from './users.ts';
import { schoolsRepo } from './schools.ts';
import { candidatesRepo } from './candidates.ts';
import { itemBanksRepo } from './item-banks.ts';
import { testsRepo } from './tests.ts';
import { eventsRepo } from './events.ts';
import { sessionsRepo } from './sessions.ts';
import { responsesRepo } from './responses.ts';
import { resultsRepo } from './results.ts';
import { incidentsRepo } from './incidents.ts';
import { auditRepo } from './audit.ts';
import { appSessionsRepo } from './app-sessions.ts';
import { loginFailuresRepo } from './login-failures.ts';
import { modelsRepo } from './models.ts';
import { careerOutcomesRepo } from './career-outcomes.ts';

export function makeRepositories(c: Ctx): Repositories {
  return {
    users: usersRepo(c),
    schools: schoolsRepo(c),
    candidates: candidatesRepo(c),
    itemBanks: itemBanksRepo(c),
    tests: testsRepo(c),
    events: eventsRepo(c),
    sessions: sessionsRepo(c),
    responses: responsesRepo(c),
    results: resultsRepo(c),
    incidents: incidentsRepo(c),
    audit: auditRepo(c),
    appSessions: appSessionsRepo(c),
    loginFailures: loginFailuresRepo(c),
    models: modelsRepo(c),
    careerOutcomes: careerOutcomesRepo(c),
  };
}

import type { ValidationError } from 'class-validator';
import type { EnvDto } from './env.dto.js';

/** The entry points of the SeatGrid image; each may have start-up rules of its own. */
export type SeatGridApp = 'gateway' | 'inventory' | 'migrate';

/**
 * The ADMIN_TOKEN that the production overlay ships until the operator replaces it: the gateway refuses it in
 * production, so that no committed value can ever open event creation.
 */
export const ADMIN_TOKEN_PLACEHOLDER = 'replace-with-a-random-secret-of-32-or-more-characters';

/** One bad variable, with a description that never shows a secret. */
export interface ConfigProblem {
  variable: string;
  text: string;
}

/** Variables whose whole value is a secret. */
const SECRET_VARIABLES = new Set(['ADMIN_TOKEN', 'QUEUE_TOKEN_SECRET']);

/** Everything before the last "@" of a URL is user information (a password, often): masked, whatever the URL's shape. */
const USER_INFO = /^([^/@]*\/\/)?.*@/s;
/** libpq also takes passwords as query parameters. */
const PASSWORD_PARAMETER = /([?&](?:ssl)?password=)[^&#]*/gi;

const masked = (value: string): string => value.replace(USER_INFO, (_, scheme = '') => `${scheme}***@`).replace(PASSWORD_PARAMETER, '$1***');

/** What an error may show of a value: nothing of a secret, and URLs with their passwords masked. */
function shownValue(variable: string, value: unknown): string {
  if (SECRET_VARIABLES.has(variable)) return ' (value hidden)';
  return `=${JSON.stringify(typeof value === 'string' ? masked(value) : (value ?? null))}`;
}

/** class-validator's findings, one per variable. */
export function validationProblems(errors: ValidationError[], provided: Record<string, unknown>): ConfigProblem[] {
  return errors.map(({ property, constraints }) => ({
    variable: property,
    text: `${property}${shownValue(property, provided[property])}: ${Object.values(constraints ?? {}).join('; ')}`,
  }));
}

const problem = (variable: string, reason: string): ConfigProblem => ({ variable, text: `${variable}: ${reason}` });

const JWT_SETTINGS = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const;

/** Token verification needs to know where the keys are and whose tokens to accept. */
function jwtProblems(env: EnvDto): ConfigProblem[] {
  if (env.AUTH_MODE !== 'jwt') return [];
  return JWT_SETTINGS.filter((name) => !env[name]).map((name) => problem(name, 'is required when AUTH_MODE=jwt'));
}

/** A production gateway must not leave event creation open, nor fall back to an authentication mode by default. */
function productionGatewayProblems(env: EnvDto, app: SeatGridApp | undefined): ConfigProblem[] {
  if (app !== 'gateway' || env.NODE_ENV !== 'production') return [];
  const problems: ConfigProblem[] = [];
  if (!env.ADMIN_TOKEN) problems.push(problem('ADMIN_TOKEN', 'is required in production: without it anyone may create events'));
  if (env.ADMIN_TOKEN === ADMIN_TOKEN_PLACEHOLDER) problems.push(problem('ADMIN_TOKEN', 'is still the documented placeholder: set a random secret'));
  if (!env.AUTH_MODE) problems.push(problem('AUTH_MODE', 'must be set in production: jwt, or header behind a proxy that sets the identity'));
  return problems;
}

/** Rules across variables, or for one app only, that a single field's validation cannot express. */
export function crossVariableProblems(env: EnvDto, app: SeatGridApp | undefined): ConfigProblem[] {
  return [...jwtProblems(env), ...productionGatewayProblems(env, app)];
}

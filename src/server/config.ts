import envPaths from 'env-paths';

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  signupEnabled: boolean;
  maxTokenLifetimeDays: number;
  logLevel: string;
}

export const DEFAULT_PORT = 4780;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads the service's settings from environment variables; throws a readable error on a bad value. */
export function readServiceConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const port = integer(env.PORT, 'PORT', DEFAULT_PORT, 0, 65535);
  const signup = (env.TOKEN_DESK_SIGNUP ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(signup))
    throw new Error(`TOKEN_DESK_SIGNUP must be "on" or "off", not "${signup}".`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);
  return {
    host: env.HOST || '127.0.0.1',
    port,
    dataDir: env.TOKEN_DESK_DATA_DIR || envPaths('token-desk', { suffix: '' }).data,
    signupEnabled: signup === 'on',
    maxTokenLifetimeDays: integer(
      env.TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS,
      'TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS',
      366,
      1,
      36_500,
    ),
    logLevel,
  };
}

function integer(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

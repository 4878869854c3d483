// The pino logger handed to Probot (app.log, context.log and the HTTP request log all derive from
// it). Built here rather than by Probot so that credentials in request headers are redacted:
// Probot's request logger records every header, including Alertmanager's bearer token.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/server-config.js';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { name: 'aegis', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

import pino from 'pino'
import type { LogLevel } from '../config.js'

/**
 * JSON logs, to stdout unless a `destination` is given (tests capture them). Credentials never reach
 * them: the headers that carry them are redacted wherever they appear. Stdout is written
 * asynchronously (pino's SonicBoom: lines written while a write is in flight go out together, one
 * system call for many under load) and flushed synchronously when the process exits, also on a
 * fatal error. A signal that kills without a handler (SIGKILL, or a SIGTERM before `serve` has
 * installed its own) can lose the lines still in flight: a write or two, under load.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers["x-api-key"]',
        'req.headers.authorization',
        'headers["x-api-key"]',
        'headers.authorization',
        'key',
        'secret',
      ],
      censor: '[redacted]',
    },
  }
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }))
}

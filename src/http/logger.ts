import pino from 'pino'
import type { LogLevel } from '../config.js'

/** JSON logs. Credentials never reach them: the headers that carry them are redacted wherever they appear. */
export function createLogger(level: LogLevel) {
  return pino({
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
  })
}

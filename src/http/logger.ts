import pino from 'pino'
import type { LogLevel } from '../config.js'

/**
 * JSON logs, to stdout unless a `destination` is given (tests capture them). Credentials never reach
 * them: the headers that carry them are redacted wherever they appear.
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
  return destination ? pino(options, destination) : pino(options)
}

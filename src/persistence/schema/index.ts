export * from './access.js'
export * from './idempotency.js'
export * from './job.js'
export * from './events.js'

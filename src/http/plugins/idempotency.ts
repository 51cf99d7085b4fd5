import type { FastifyReply, FastifyRequest } from 'fastify'
import { ConflictError, InvalidInputError } from '../../domain/shared/errors.js'
import { fingerprint } from '../../domain/idempotency/fingerprint.js'
import type { Executor } from '../../persistence/database.js'
import type { IdempotencyService } from '../../services/idempotency.service.js'
import type { App, IdempotencyState } from '../types.js'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const REPLAYED_HEADERS = ['content-type', 'location']

/**
 * `X-Idempotency-Key` on every POST, PUT, PATCH and DELETE. Before the handler: claim the key, or
 * answer a replay / a 409. In the handler: `respond()` lets the service store the response in its
 * own transaction. After it: store 2xx and 4xx outcomes that were not stored yet (requests that wrote
 * nothing), and drop the claim on a 5xx so a retry can succeed. A dry-run (`Prefer: dry-run`) never
 * claims: see plugins/dry-run.ts.
 */
export function installIdempotency(app: App, idempotency: IdempotencyService): void {
  app.decorateRequest('idempotency', null)

  // Reads, and writes without a key, pass straight on (the callback form costs no promise); the
  // claim itself is async.
  app.addHook('preHandler', (req, reply, done) => {
    if (
      !req.ctx ||
      !WRITE_METHODS.has(req.method) ||
      req.routeOptions.config.idempotent === false ||
      req.headers['x-idempotency-key'] === undefined
    ) {
      done()
      return
    }
    claimKey(req, reply).then(() => done(), done)
  })

  async function claimKey(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!req.ctx) return
    const header = req.headers['x-idempotency-key']
    if (header === undefined) return
    if (Array.isArray(header)) {
      throw new InvalidInputError('idempotency.invalid_key', 'Send one X-Idempotency-Key header, not several.', {}, [
        { path: '/headers/x-idempotency-key', message: 'must be sent once' },
      ])
    }
    const request = fingerprint({
      method: req.method,
      route: req.routeOptions.url ?? req.url,
      params: req.params,
      body: req.body,
    })
    // A dry-run only looks at the key: it answers the replay or the 409 the real call would, and
    // otherwise runs without a claim, so the real call that follows still finds the key free.
    const outcome = req.dryRun
      ? await idempotency.peek(req.ctx.tenant.id, header, request)
      : await idempotency.claim(req.ctx.tenant.id, header, request)
    switch (outcome.type) {
      case 'fresh':
        return
      case 'replay':
        return replay(reply, outcome)
      case 'key_reused':
        throw new ConflictError(
          'idempotency.key_reused',
          `This idempotency key was already used for a different request (the ${outcome.differences.join(' and ')} differ${outcome.differences.length === 1 ? 's' : ''}). Use a new key for each distinct operation.`,
          { differences: outcome.differences },
        )
      case 'in_progress':
        reply.header('retry-after', String(outcome.retryAfterSeconds))
        throw new ConflictError(
          'idempotency.request_in_progress',
          'A request with this idempotency key is still being processed. Retry after it finishes.',
          {
            retryAfterSeconds: outcome.retryAfterSeconds,
          },
        )
      case 'claimed': {
        const state: IdempotencyState = { claim: outcome.claim, recorded: false }
        req.idempotency = state
        req.ctx.idempotency = {
          recordInTransaction: (tx, result) => recordInTransaction(idempotency, state, tx, result),
        }
      }
    }
  }

  app.addHook('onSend', (req, reply, payload, done) => {
    const state = req.idempotency
    if (!state || state.recorded) {
      done(null, payload)
      return
    }
    state.recorded = true
    record(state, reply, payload)
      .catch((error: unknown) => req.log.error({ err: error }, 'could not record the idempotent response'))
      .then(() => done(null, payload), done)
  })

  async function record(state: IdempotencyState, reply: FastifyReply, payload: unknown): Promise<void> {
    if (reply.statusCode >= 500) await idempotency.release(state.claim)
    else {
      const body = typeof payload === 'string' ? payload : ''
      await idempotency.completeAlone(state.claim, { status: reply.statusCode, headers: storedHeaders(reply), body })
    }
  }
}

async function recordInTransaction(
  idempotency: IdempotencyService,
  state: IdempotencyState,
  tx: Executor,
  result: unknown,
): Promise<void> {
  if (!state.render || state.recorded) return
  const body = state.render.toBody(result)
  const stored = await idempotency.complete(tx, state.claim, {
    status: state.render.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  })
  if (!stored) {
    throw new ConflictError(
      'idempotency.request_in_progress',
      'Another request took over this idempotency key while this one ran. Retry to get its result.',
    )
  }
  state.recorded = true
  state.payload = body
}

function storedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name)
    if (value !== undefined) headers[name] = String(value)
  }
  return headers
}

function replay(
  reply: FastifyReply,
  stored: { status: number; headers: Record<string, string>; body: string },
): FastifyReply {
  return reply
    .code(stored.status)
    .headers({ ...stored.headers, 'idempotent-replayed': 'true' })
    .send(stored.body)
}

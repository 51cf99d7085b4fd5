import { Type } from 'typebox'
import type { IdempotencyService, KeyStatus } from '../../../services/idempotency.service.js'
import { problemResponses } from '../../problem.js'
import { DateTime } from '../../schemas/common.js'
import type { App } from '../../types.js'

const IdempotencyKeyStatus = Type.Object({
  key: Type.String(),
  state: Type.Union(
    [Type.Literal('unknown'), Type.Literal('in_progress'), Type.Literal('completed'), Type.Literal('expired')],
    {
      description:
        'unknown: never used (or purged a week after expiry); in_progress: the first request is still running; completed: a retry replays `responseStatus`; expired: past its 24 hours, the key may be used afresh.',
    },
  ),
  method: Type.Optional(Type.String({ description: 'The method of the request that used the key.' })),
  route: Type.Optional(Type.String({ description: 'The route pattern of that request.' })),
  responseStatus: Type.Optional(Type.Integer({ description: 'The stored status a retry gets (completed only).' })),
  createdAt: Type.Optional(DateTime()),
  completedAt: Type.Optional(DateTime()),
  expiresAt: Type.Optional(DateTime({ description: 'When the key expires (completed) or expired (expired).' })),
})

const toWire = (status: KeyStatus) => {
  switch (status.state) {
    case 'unknown':
      return status
    case 'in_progress':
      return { ...status, createdAt: status.createdAt.toISOString() }
    case 'completed':
      return {
        ...status,
        createdAt: status.createdAt.toISOString(),
        completedAt: status.completedAt.toISOString(),
        expiresAt: status.expiresAt.toISOString(),
      }
    case 'expired': {
      const { expiredAt, ...rest } = status
      return { ...rest, createdAt: status.createdAt.toISOString(), expiresAt: expiredAt.toISOString() }
    }
  }
}

/** Lets an integrator debugging retries ask what Openline knows of one of its keys. */
export async function idempotencyKeyRoutes(
  app: App,
  { idempotency }: { idempotency: IdempotencyService },
): Promise<void> {
  app.get(
    '/idempotency-keys/:key',
    {
      schema: {
        operationId: 'getIdempotencyKey',
        tags: ['idempotency'],
        summary: 'Look up an idempotency key',
        description:
          'Whether your key is unknown, in progress, completed (with the status a retry would replay) or expired.',
        params: Type.Object({ key: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: { 200: IdempotencyKeyStatus, ...problemResponses(403) },
      },
    },
    async (req) => toWire(await idempotency.status(req.ctx.tenant.id, req.params.key)),
  )
}

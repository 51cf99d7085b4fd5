import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import type { Executor } from '../../../persistence/database.js'
import { problem } from '../../problem.js'
import { sendProblem } from '../../plugins/error-handler.js'
import type { App } from '../../types.js'

const Status = Type.Object({ status: Type.String() })

/** `/healthz`: the process is alive. `/readyz`: it can reach its database. Neither needs a key. */
export async function healthRoutes(app: App, { db }: { db: Executor }): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'Liveness probe',
        description: 'Answers while the process runs; needs no key.',
        security: [],
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      config: { auth: 'none' },
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Readiness probe',
        description: 'Answers 200 when the database answers, else a 503 problem; needs no key.',
        security: [],
        response: { 200: Status, 503: Type.Ref('Problem', { description: 'The database is not reachable.' }) },
      },
    },
    async (req, reply) => {
      try {
        await db.execute(sql`select 1`)
        return { status: 'ready' }
      } catch (error) {
        req.log.warn({ err: error }, 'readiness check failed')
        return sendProblem(reply, problem(503, 'database.unreachable', 'The database is not reachable.', req.id))
      }
    },
  )
}

import { Type } from 'typebox'
import { NotFoundError } from '../../../../domain/shared/errors.js'
import type { App } from '../../../types.js'
import { formAction } from '../../forms.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { pager, tablePage } from '../../table.js'
import { ActionBody, adminOnly, confirmAction, DEVELOPERS, devPage } from './shared.js'

const JOBS = `${DEVELOPERS}/jobs`
const Params = Type.Object({ jobId: Type.String({ format: 'uuid' }) })
const ListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  retried: Type.Optional(Type.String({ format: 'uuid' })),
})
const jobHref = (id: string) => `${JOBS}/${encodeURIComponent(id)}`

/**
 * Failed jobs: the tenant's background jobs that used every attempt (kind, what they work on,
 * attempts, the last error, escaped, and when they failed), 25 a page by keyset cursor, for every
 * role; admins queue one again through a confirmation (`failedJobs.retry`).
 */
export async function jobPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/developers/jobs', { schema: { querystring: ListQuery } }, async (req, reply) => {
    const tenantId = req.ctx.tenant.id
    const result = await deps.failedJobs.listFailed(tenantId, tablePage(req.query))
    // After a retry the list no longer holds the job: say what became of it.
    const retried = req.query.retried
      ? await deps.failedJobs.get(tenantId, req.query.retried).catch((error: unknown) => {
          if (error instanceof NotFoundError) return null
          throw error
        })
      : null
    return devPage(req, reply, 'jobs', {
      title: 'Failed jobs',
      rows: result.items.map((job) => ({ ...job, href: jobHref(job.id) })),
      retried,
      pager: pager(JOBS, {}, result),
    })
  })

  app.get('/developers/jobs/:jobId/retry', { schema: { params: Params }, config: adminOnly }, async (req, reply) => {
    const job = await deps.failedJobs.get(req.ctx.tenant.id, req.params.jobId)
    return confirmAction(req, reply, {
      question: `Retry the ${job.kind} job?`,
      effect: `Now: it is queued again, due at once, with its attempts counted from nought (up to ${job.maxAttempts}). If it fails every attempt again it comes back to this list.`,
      action: `${jobHref(job.id)}/retry`,
      confirmLabel: 'Retry',
      cancelHref: JOBS,
    })
  })

  app.post(
    '/developers/jobs/:jobId/retry',
    { schema: { params: Params, body: ActionBody }, config: adminOnly },
    async (req, reply) =>
      formAction(
        req,
        reply,
        deps.idempotency,
        async (ctx) => {
          const job = await deps.failedJobs.retry(ctx, req.params.jobId)
          req.log.info({ jobId: job.id, kind: job.kind, operator: ctx.actor.label }, 'portal: failed job retried')
          return job
        },
        (job) => `${JOBS}?retried=${encodeURIComponent(job.id)}`,
      ),
  )
}

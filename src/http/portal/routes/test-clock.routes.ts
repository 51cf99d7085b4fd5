import { Type } from 'typebox'
import { startOfLocalDate } from '../../../domain/scheduling/calendar.js'
import type { RequestContext } from '../../../services/context.js'
import type { ScheduledChange } from '../../../services/scheduling.service.js'
import type { App } from '../../types.js'
import { DayField } from '../actions.js'
import { formAction, formFields, formKey } from '../forms.js'
import { page } from '../page.js'
import type { PortalDeps } from '../portal.plugin.js'
import { subscriptionPage } from './subscription.routes.js'

const STEPS = { P1D: 'a day', P1M: 'a month' } as const
const Advance = Type.Object({
  by: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('P1D'), Type.Literal('P1M')])),
  to: DayField,
})
const AdvanceBody = Type.Object({
  ...Advance.properties,
  _csrf: Type.String({ maxLength: 200 }),
  _idem: Type.String({ maxLength: 200 }),
})
const Instant = Type.String({ format: 'date-time', maxLength: 40 })
const ClockQuery = Type.Object({ from: Type.Optional(Instant), to: Type.Optional(Instant) })

/** The service's input: a step (`P1D`, `P1M`), or the start of a day in the tenant's calendar. */
const inputOf = (ctx: RequestContext, f: Record<string, string>) =>
  f.to ? { to: startOfLocalDate(f.to, ctx.tenant.timeZone).toISOString() } : { by: f.by ?? '' }

/** A scheduled change as a row: its target linked when it is a subscription. */
const changeRow = (c: ScheduledChange) => ({
  ...c,
  what: c.kind.replaceAll('_', ' '),
  href: c.targetType === 'subscription' ? subscriptionPage(c.targetId) : null,
})

/**
 * The sandbox test clock (the API's `testClock` service, so live tenants get its 403): the
 * tenant's time, and an advance by a day, a month or to a day, confirmed first with what falls due
 * on the way; after it, the page lists the scheduled changes applied (or failed) in that window.
 */
export async function testClockRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/test-clock', { schema: { querystring: ClockQuery } }, async (req, reply) => {
    const clock = await deps.testClock.get(req.ctx)
    const { from, to } = req.query
    const applied = from && to ? await deps.testClock.appliedBetween(req.ctx, new Date(from), new Date(to)) : null
    return page(req, reply, 'test-clock', {
      title: 'Test clock',
      clock,
      steps: STEPS,
      window: from && to ? { from: new Date(from), to: new Date(to) } : null,
      applied: applied?.map(changeRow) ?? null,
    })
  })

  app.get(
    '/test-clock/advance',
    { schema: { querystring: Advance }, config: { portalRole: 'operator' } },
    async (req, reply) => {
      const fields = formFields(req.query)
      const plan = await deps.testClock.plan(req.ctx, inputOf(req.ctx, fields))
      return page(req, reply, 'test-clock-advance', {
        title: 'Advance the test clock?',
        plan: { ...plan, due: plan.due.map(changeRow) },
        fields,
        idem: formKey(),
      })
    },
  )

  app.post('/test-clock/advance', { schema: { body: AdvanceBody } }, async (req, reply) =>
    formAction(
      req,
      reply,
      deps.idempotency,
      async (ctx) => {
        const from = ctx.clock.now()
        const advanced = await deps.testClock.advance(ctx, inputOf(ctx, formFields(req.body)))
        return { from, to: advanced.now }
      },
      ({ from, to }) =>
        `/portal/test-clock?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
    ),
  )
}

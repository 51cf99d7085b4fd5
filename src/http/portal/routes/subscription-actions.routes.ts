import { Type } from 'typebox'
import type { EmbeddedOfferingView } from '../../../domain/catalog/views.js'
import type { CancelReason, CancelSchedule } from '../../../domain/subscriptions/cancellation.js'
import { CANCEL_REASONS } from '../../../domain/subscriptions/cancellation.js'
import { InvalidInputError } from '../../../domain/shared/errors.js'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { ChangeOption } from '../../../domain/catalog/views.js'
import type { App } from '../../types.js'
import { actionRoutes, DayField, TextField } from '../actions.js'
import type { PortalDeps } from '../portal.plugin.js'
import { takesEffect } from '../preview.js'
import { subscriptionPage } from './subscription.routes.js'

const Params = Type.Object({ subscriptionId: Type.String({ maxLength: 300 }) })
const ref = (id: string | undefined) => parseEntityRef(id ?? '', 'subscriptionId')
const back = (params: Record<string, string>) => subscriptionPage(params.subscriptionId as string)

const SCHEDULES = {
  CancelNow: 'Now',
  CancelNextDay: 'At the start of tomorrow',
  CancelAtBeginningOfNextMonth: 'On the 1st of next month',
  CancelAtDate: 'At the start of a day (below)',
} as const
type ScheduleType = keyof typeof SCHEDULES

/** An offering as a choice: its name and price. */
export function offeringLabel(o: EmbeddedOfferingView): string {
  const cycle = o.price.billingCycle
  const unit = cycle ? CYCLE_UNIT[cycle.period] : ''
  const per = cycle ? ` every ${cycle.interval === 1 ? unit : `${cycle.interval} ${unit}s`}` : ', once'
  return `${o.name} (${o.price.grossPrice} ${o.price.currency}${per})`
}
const CYCLE_UNIT: Record<string, string> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }

/** A change option as the API's rule gives it: the offering, its direction, and when it would apply if asked now. */
export const changeLabel = (o: ChangeOption): string =>
  `${offeringLabel(o.productOffering)}: ${o.direction.toLowerCase()}, ${o.changeSchedule === 'INSTANT' ? 'now' : `at the next renewal (${o.changeScheduleDate})`}`

/** A day the form must carry for a change "at a date". */
export function requiredDay(day: string | undefined, field: string): string {
  if (day) return day
  throw new InvalidInputError('request.validation_failed', 'Pick the day it should take effect, or choose now.', {}, [
    { path: `/${field}`, message: 'is required for a change at a date' },
  ])
}

/**
 * The subscription's own actions beyond block / unblock: change the plan (now or at the next
 * renewal, as the target offering's change policy decides; never before the day asked for) and
 * cancel the subscription. Each runs `planChanges.change` / `subscriptions.cancel`, as the API does.
 */
export async function subscriptionActionRoutes(app: App, deps: PortalDeps): Promise<void> {
  actionRoutes(app, deps, {
    url: '/subscriptions/:subscriptionId/plan',
    params: Params,
    fields: Type.Object({ productOfferingId: TextField(), scheduledAt: DayField }),
    title: 'Change the plan',
    confirmLabel: 'Change the plan',
    chosen: (f) => Boolean(f.productOfferingId),
    async form(req, params) {
      const options = await deps.planChanges.options(req.ctx, ref(params.subscriptionId))
      return {
        intro:
          'Upgrades and lateral moves apply now; downgrades at the next renewal, as the plan’s change policy says.',
        fields: [
          {
            name: 'productOfferingId',
            label: 'New plan',
            kind: 'select',
            required: true,
            options: options.map((o) => ({ value: o.productOfferingId, label: changeLabel(o) })),
          },
          { name: 'scheduledAt', label: 'Not before', kind: 'date', hint: 'Optional: the earliest day it may apply.' },
        ],
      }
    },
    run: (ctx, params, f) =>
      deps.planChanges.change(ctx, ref(params.subscriptionId), {
        productOfferingId: f.productOfferingId as string,
        ...(f.scheduledAt && { scheduledAt: f.scheduledAt }),
        reason: 'portal',
      }),
    effect: async (ctx, view) => {
      const pending = view.pendingProductOffering
      if (!pending) return `The plan becomes ${view.productOffering.name}. ${takesEffect(null, ctx.tenant.timeZone)}`
      return `The plan becomes ${pending.name}; until then it stays ${view.productOffering.name}. ${takesEffect(pending.scheduledAt, ctx.tenant.timeZone)}`
    },
    question: () => 'Change the plan?',
    back,
  })

  actionRoutes(app, deps, {
    url: '/subscriptions/:subscriptionId/cancel',
    params: Params,
    fields: Type.Object({
      schedule: Type.Optional(
        Type.Union([Type.Literal(''), ...Object.keys(SCHEDULES).map((s) => Type.Literal(s as ScheduleType))]),
      ),
      date: DayField,
      reason: Type.Optional(Type.Union([Type.Literal(''), ...CANCEL_REASONS.map((r) => Type.Literal(r))])),
      comment: TextField(500),
    }),
    title: 'Cancel the subscription',
    confirmLabel: 'Cancel the subscription',
    chosen: (f) => Boolean(f.schedule && f.reason),
    form: async () => ({
      intro: 'A cancelled subscription ends for good: its number and SIM are released and its add-ons end with it.',
      fields: [
        {
          name: 'schedule',
          label: 'When',
          kind: 'select',
          required: true,
          options: Object.entries(SCHEDULES).map(([value, label]) => ({ value, label })),
        },
        { name: 'date', label: 'Day', kind: 'date', hint: 'Only for a cancellation at a day.' },
        {
          name: 'reason',
          label: 'Reason',
          kind: 'select',
          required: true,
          options: CANCEL_REASONS.map((r) => ({ value: r, label: r.replaceAll('_', ' ').toLowerCase() })),
        },
        { name: 'comment', label: 'Comment', kind: 'text', hint: 'Needed when the reason is “other”.' },
      ],
    }),
    run: (ctx, params, f) => {
      const type = f.schedule as ScheduleType
      const schedule: CancelSchedule = type === 'CancelAtDate' ? { type, date: requiredDay(f.date, 'date') } : { type }
      return deps.subscriptions.cancel(ctx, ref(params.subscriptionId), {
        schedule,
        reason: f.reason as CancelReason,
        ...(f.comment && { comment: f.comment }),
      })
    },
    effect: async (ctx, view) =>
      view.status === 'CANCELLED'
        ? `The subscription ends now: no calls, texts or data any more. ${takesEffect(null, ctx.tenant.timeZone)}`
        : `The subscription ends then; every change scheduled after it is dropped. ${takesEffect(view.pendingStatus?.scheduledAt ?? null, ctx.tenant.timeZone)}`,
    question: () => 'Cancel this subscription?',
    back,
  })
}

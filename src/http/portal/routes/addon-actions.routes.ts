import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { RequestContext } from '../../../services/context.js'
import type { App } from '../../types.js'
import type { FormField } from '../actions.js'
import { actionRoutes, DayField, TextField } from '../actions.js'
import type { PortalDeps } from '../portal.plugin.js'
import { takesEffect } from '../preview.js'
import { changeLabel, offeringLabel, requiredDay } from './subscription-actions.routes.js'
import { subscriptionPage } from './subscription.routes.js'

const Params = Type.Object({ subscriptionId: Type.String({ maxLength: 300 }) })
const AddonParams = Type.Object({
  subscriptionId: Type.String({ maxLength: 300 }),
  subscriptionAddonId: Type.String({ maxLength: 300 }),
})
const When = Type.Optional(Type.Union([Type.Literal(''), Type.Literal('now'), Type.Literal('date')]))
const WHEN_FIELDS: FormField[] = [
  {
    name: 'when',
    label: 'When',
    kind: 'select',
    required: true,
    options: [
      { value: 'now', label: 'Now' },
      { value: 'date', label: 'At the start of a day (below)' },
    ],
  },
  { name: 'scheduledAt', label: 'Day', kind: 'date', hint: 'Only for a change at a day.' },
]

type Params = Record<string, string>
const subscription = (params: Params) => parseEntityRef(params.subscriptionId ?? '', 'subscriptionId')
const addonRef = (params: Params) => parseEntityRef(params.subscriptionAddonId ?? '', 'subscriptionAddonId')
const back = (params: Params) => subscriptionPage(params.subscriptionId as string)
/** The day asked for, when the form says "at a day". */
const dayOf = (f: Params) => (f.when === 'date' ? { scheduledAt: requiredDay(f.scheduledAt, 'scheduledAt') } : {})

/**
 * Add-on actions of a subscription, each the API's own call: add (from the add-on offerings the
 * plan takes, now or from a day), change to another offering of its group (when: the offering's
 * change policy), cancel (now or from a day).
 */
export async function addonActionRoutes(app: App, deps: PortalDeps): Promise<void> {
  const addon = (ctx: RequestContext, params: Params) => deps.addons.get(ctx, subscription(params), addonRef(params))

  actionRoutes(app, deps, {
    url: '/subscriptions/:subscriptionId/addons/add',
    params: Params,
    fields: Type.Object({ productOfferingId: TextField(), when: When, scheduledAt: DayField }),
    title: 'Add an add-on',
    confirmLabel: 'Add the add-on',
    chosen: (f) => Boolean(f.productOfferingId && f.when),
    async form(req, params) {
      const options = await deps.addons.options(req.ctx, subscription(params))
      return {
        intro: 'The add-ons this plan takes, and that are under their limit on this subscription.',
        fields: [
          {
            name: 'productOfferingId',
            label: 'Add-on',
            kind: 'select',
            required: true,
            options: options.map((o) => ({ value: o.productOfferingId, label: offeringLabel(o.productOffering) })),
          },
          ...WHEN_FIELDS,
        ],
      }
    },
    run: (ctx, params, f) =>
      deps.addons.add(ctx, subscription(params), { productOfferingId: f.productOfferingId as string, ...dayOf(f) }),
    effect: async (ctx, view) => {
      const name = view.productOffering.name
      if (view.status === 'ACTIVE') return `${name} is added and active. ${takesEffect(null, ctx.tenant.timeZone)}`
      if (view.pendingStatus)
        return `${name} is added as PENDING and becomes active then. ${takesEffect(view.pendingStatus.scheduledAt, ctx.tenant.timeZone)}`
      return `${name} is added now and becomes active once the network provider has provisioned it.`
    },
    question: () => 'Add this add-on?',
    back,
  })

  actionRoutes(app, deps, {
    url: '/subscriptions/:subscriptionId/addons/:subscriptionAddonId/change',
    params: AddonParams,
    fields: Type.Object({ productOfferingId: TextField(), scheduledAt: DayField }),
    title: 'Change an add-on',
    confirmLabel: 'Change the add-on',
    chosen: (f) => Boolean(f.productOfferingId),
    async form(req, params) {
      const current = await addon(req.ctx, params)
      const options = await deps.addonChanges.options(req.ctx, subscription(params), {
        subscriptionAddonId: current.subscriptionAddonId,
      })
      return {
        intro: `${current.productOffering.name} (${current.status}) changes to another offering of its group. Upgrades apply now, downgrades at the add-on’s next renewal.`,
        fields: [
          {
            name: 'productOfferingId',
            label: 'New add-on',
            kind: 'select',
            required: true,
            options: options.map((o) => ({ value: o.productOfferingId, label: changeLabel(o) })),
          },
          { name: 'scheduledAt', label: 'Not before', kind: 'date', hint: 'Optional: the earliest day it may apply.' },
        ],
      }
    },
    run: async (ctx, params, f) => {
      const current = await addon(ctx, params)
      return deps.addonChanges.change(ctx, subscription(params), {
        productOfferingId: f.productOfferingId as string,
        subscriptionAddonId: current.subscriptionAddonId,
        ...(f.scheduledAt && { scheduledAt: f.scheduledAt }),
      })
    },
    effect: async (ctx, _view, params) => {
      const after = await addon(ctx, params)
      const pending = after.pendingProductOffering
      if (!pending) return `The add-on becomes ${after.productOffering.name}. ${takesEffect(null, ctx.tenant.timeZone)}`
      return `The add-on becomes ${pending.name}; until then it stays ${after.productOffering.name}. ${takesEffect(pending.scheduledAt, ctx.tenant.timeZone)}`
    },
    question: () => 'Change this add-on?',
    back,
  })

  actionRoutes(app, deps, {
    url: '/subscriptions/:subscriptionId/addons/:subscriptionAddonId/cancel',
    params: AddonParams,
    fields: Type.Object({ when: When, scheduledAt: DayField }),
    title: 'Cancel an add-on',
    confirmLabel: 'Cancel the add-on',
    chosen: (f) => Boolean(f.when),
    async form(req, params) {
      const current = await addon(req.ctx, params)
      return {
        intro: `${current.productOffering.name} (${current.status}). A PENDING add-on is withdrawn at once, whatever the day.`,
        fields: WHEN_FIELDS,
      }
    },
    run: async (ctx, params, f) => {
      const current = await addon(ctx, params)
      return deps.addons.cancel(ctx, subscription(params), {
        subscriptionAddonId: current.subscriptionAddonId,
        ...dayOf(f),
        reason: 'portal',
      })
    },
    effect: async (ctx, _view, params) => {
      const after = await addon(ctx, params)
      const name = after.productOffering.name
      if (after.status === 'CANCELLED') return `${name} ends. ${takesEffect(null, ctx.tenant.timeZone)}`
      return `${name} stays ${after.status} until then. ${takesEffect(after.pendingStatus?.scheduledAt ?? null, ctx.tenant.timeZone)}`
    },
    question: () => 'Cancel this add-on?',
    back,
  })
}

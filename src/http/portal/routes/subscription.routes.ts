import { Type } from 'typebox'
import { ADDON_STATUSES } from '../../../domain/addons/addon.js'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { App } from '../../types.js'
import { formAction, formKey } from '../forms.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page, RESOURCE_PAGES } from '../page.js'
import { timelineRows } from '../timeline.js'

const Params = Type.Object({ subscriptionId: Type.String({ maxLength: 300 }) })
const ActionParams = Type.Object({
  subscriptionId: Type.String({ maxLength: 300 }),
  action: Type.Union([Type.Literal('block'), Type.Literal('unblock')]),
})
const ActionBody = Type.Object({ _csrf: Type.String({ maxLength: 200 }), _idem: Type.String({ maxLength: 200 }) })

/** The portal page of a subscription (by id or `rid_` reference). */
export const subscriptionPage = (id: string): string => `/portal/subscriptions/${encodeURIComponent(id)}`
RESOURCE_PAGES.subscription = subscriptionPage
const WORDS = {
  block: { question: 'Block this subscription?', effect: 'It is barred now: no calls, texts or data until unblocked.' },
  unblock: { question: 'Unblock this subscription?', effect: 'It is active again now.' },
}

/**
 * The subscription page: its summary, add-ons (every status, with their pending changes), pending
 * plan and status changes, the port-in, the SIM, and its timeline (the API's, past and scheduled,
 * each with who did it); the eSIM activation code page; and the block / unblock actions: a
 * confirmation page that says when it takes effect, then the same `subscriptions.changeStatus`
 * call as the API, once per rendered form. The other actions are in subscription-actions and
 * addon-actions.
 */
export async function subscriptionRoutes(app: App, deps: PortalDeps): Promise<void> {
  const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

  app.get('/subscriptions/:subscriptionId', { schema: { params: Params } }, async (req, reply) => {
    const subscription = await deps.subscriptions.get(req.ctx, ref(req.params.subscriptionId))
    const id = { kind: 'id', id: subscription.subscriptionId } as const
    const [addons, timeline] = await Promise.all([
      deps.addons.list(req.ctx, id, ADDON_STATUSES),
      deps.subscriptions.timelineOf(req.ctx, id),
    ])
    const now = req.ctx.clock.now()
    return page(req, reply, 'subscription', {
      title: `Subscription ${subscription.msisdn ?? subscription.subscriptionId}`,
      subscription,
      href: subscriptionPage(subscription.subscriptionId),
      addons,
      timeline: timelineRows(timeline, now),
      now,
    })
  })

  // The eSIM's activation code and its QR code (a data: PNG, which the CSP allows): the API's own
  // call, which records who was shown it (`sim.qrcode_issued`), so it is a page of its own.
  app.get('/subscriptions/:subscriptionId/esim', { schema: { params: Params } }, async (req, reply) => {
    const qr = await deps.esim.qrCode(req.ctx, ref(req.params.subscriptionId))
    return page(req, reply, 'esim', {
      title: 'eSIM activation code',
      qr,
      back: subscriptionPage(qr.subscriptionId),
    })
  })

  app.get(
    '/subscriptions/:subscriptionId/:action',
    { schema: { params: ActionParams }, config: { portalRole: 'operator' } },
    async (req, reply) => {
      const subscription = await deps.subscriptions.get(req.ctx, ref(req.params.subscriptionId))
      const href = RESOURCE_PAGES.subscription?.(subscription.subscriptionId) as string
      return page(req, reply, 'confirm', {
        title: WORDS[req.params.action].question,
        ...WORDS[req.params.action],
        action: `${href}/${req.params.action}`,
        idem: formKey(),
        confirmLabel: req.params.action === 'block' ? 'Block' : 'Unblock',
        cancelHref: href,
      })
    },
  )

  app.post(
    '/subscriptions/:subscriptionId/:action',
    { schema: { params: ActionParams, body: ActionBody } },
    async (req, reply) =>
      formAction(
        req,
        reply,
        deps.idempotency,
        (ctx) =>
          deps.subscriptions.changeStatus(ctx, ref(req.params.subscriptionId), req.params.action, { reason: 'portal' }),
        (view) => RESOURCE_PAGES.subscription?.(view.subscriptionId) as string,
      ),
  )
}

import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { App } from '../../types.js'
import { formAction, formKey } from '../forms.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page, RESOURCE_PAGES } from '../page.js'

const Params = Type.Object({ subscriptionId: Type.String({ maxLength: 300 }) })
const ActionParams = Type.Object({
  subscriptionId: Type.String({ maxLength: 300 }),
  action: Type.Union([Type.Literal('block'), Type.Literal('unblock')]),
})
const ActionBody = Type.Object({ _csrf: Type.String({ maxLength: 200 }), _idem: Type.String({ maxLength: 200 }) })

RESOURCE_PAGES.subscription = (id) => `/portal/subscriptions/${encodeURIComponent(id)}`
const WORDS = {
  block: { question: 'Block this subscription?', effect: 'It is barred now: no calls, texts or data until unblocked.' },
  unblock: { question: 'Unblock this subscription?', effect: 'It is active again now.' },
}

/**
 * The subscription page (read-only summary) and its block / unblock actions: a confirmation page
 * that says when it takes effect, then the same `subscriptions.changeStatus` call as the API,
 * once per rendered form.
 */
export async function subscriptionRoutes(app: App, deps: PortalDeps): Promise<void> {
  const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

  app.get('/subscriptions/:subscriptionId', { schema: { params: Params } }, async (req, reply) => {
    const subscription = await deps.subscriptions.get(req.ctx, ref(req.params.subscriptionId))
    return page(req, reply, 'subscription', {
      title: `Subscription ${subscription.msisdn ?? subscription.subscriptionId}`,
      subscription,
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

import { Type } from 'typebox'
import { NotFoundError } from '../../../domain/shared/errors.js'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { SubscriptionView } from '../../../services/subscriptions/subscription-view.js'
import type { App } from '../../types.js'
import { formAction, formKey } from '../forms.js'
import { page } from '../page.js'
import type { PortalDeps } from '../portal.plugin.js'
import { subscriptionPage } from './subscription.routes.js'

const Params = Type.Object({
  subscriptionId: Type.String({ maxLength: 300 }),
  pending: Type.Union([Type.Literal('status'), Type.Literal('plan')]),
})
const ActionBody = Type.Object({ _csrf: Type.String({ maxLength: 200 }), _idem: Type.String({ maxLength: 200 }) })
type Pending = 'status' | 'plan'

/** The API's name of what a withdrawal takes back: `DELETE …/pending-status` or `…/pending-product-offering`. */
const FIELD = { status: 'status', plan: 'productOffering' } as const

/** What the confirmation asks and says, or a 404 as the API answers when nothing of the kind is pending. */
function words(view: SubscriptionView, pending: Pending): { question: string; effect: string } {
  if (pending === 'status') {
    const change = view.pendingStatus
    if (!change)
      throw new NotFoundError('pending_status', view.subscriptionId, {
        message: 'The subscription has no pendingStatus to withdraw.',
      })
    return {
      question: `Withdraw the change to ${change.status} on ${change.scheduledAt}?`,
      effect: `Now: every pending status change of the subscription is withdrawn; it stays ${view.status}. The timeline keeps it, marked withdrawn.`,
    }
  }
  const change = view.pendingProductOffering
  if (!change)
    throw new NotFoundError('pending_product_offering', view.subscriptionId, {
      message: 'The subscription has no pendingProductOffering to withdraw.',
    })
  return {
    question: `Withdraw the change to ${change.name} on ${change.scheduledAt}?`,
    effect: `Now: the plan change is withdrawn; the plan stays ${view.productOffering.name}. The timeline keeps it, marked withdrawn.`,
  }
}

/**
 * Withdrawing a pending change from the subscription page: the pending status change(s) or the
 * pending plan change, through a confirmation, then the same `subscriptions.withdrawPending` call as
 * `DELETE /subscriptions/{id}/pending-status` and `…/pending-product-offering`, once per rendered form.
 */
export async function withdrawPendingRoutes(app: App, deps: PortalDeps): Promise<void> {
  const ref = (id: string) => parseEntityRef(id, 'subscriptionId')
  const url = '/subscriptions/:subscriptionId/withdraw/:pending'

  app.get(url, { schema: { params: Params }, config: { portalRole: 'operator' } }, async (req, reply) => {
    const view = await deps.subscriptions.get(req.ctx, ref(req.params.subscriptionId))
    const href = subscriptionPage(view.subscriptionId)
    const { question, effect } = words(view, req.params.pending)
    return page(req, reply, 'confirm', {
      title: question,
      question,
      effect,
      action: `${href}/withdraw/${req.params.pending}`,
      idem: formKey(),
      confirmLabel: 'Withdraw',
      cancelHref: href,
    })
  })

  app.post(url, { schema: { params: Params, body: ActionBody } }, async (req, reply) =>
    formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) => deps.subscriptions.withdrawPending(ctx, ref(req.params.subscriptionId), FIELD[req.params.pending]),
      (view) => subscriptionPage(view.subscriptionId),
    ),
  )
}

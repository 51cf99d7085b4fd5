import { Type } from 'typebox'
import type { App } from '../../../types.js'
import { formAction } from '../../forms.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { ActionBody, adminOnly, confirmAction, devPage } from './shared.js'
import { deliveryHref, endpointHref } from './webhooks.routes.js'

const ROUTE = '/developers/webhooks/deliveries/:webhookDeliveryId'
const Params = Type.Object({ webhookDeliveryId: Type.String({ format: 'uuid' }) })

/**
 * A webhook delivery with its attempts (response code, time, the first 2 KiB of the answer) for
 * every role; admins send it again (`webhookDeliveries.retry`, as `POST /webhook-deliveries/{id}/retry`).
 */
export async function webhookDeliveryPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  const { webhookEndpoints: endpoints, webhookDeliveries: deliveries } = deps

  app.get(ROUTE, { schema: { params: Params } }, async (req, reply) => {
    const delivery = await deliveries.get(req.ctx.tenant.id, req.params.webhookDeliveryId)
    const endpoint = await endpoints.get(req.ctx.tenant.id, delivery.endpointId)
    return devPage(req, reply, 'webhook-delivery', {
      title: `Delivery of ${delivery.eventType}`,
      delivery,
      href: deliveryHref(delivery.id),
      endpointHref: endpointHref(endpoint.id),
      endpointUrl: endpoint.url,
    })
  })

  app.get(`${ROUTE}/retry`, { schema: { params: Params }, config: adminOnly }, async (req, reply) => {
    const delivery = await deliveries.get(req.ctx.tenant.id, req.params.webhookDeliveryId)
    const href = deliveryHref(delivery.id)
    return confirmAction(req, reply, {
      question: `Send this ${delivery.eventType} delivery again?`,
      effect:
        'Now: it is queued again, due at once, with the same event id and a fresh retry schedule; later events of its resource wait for it again.',
      action: `${href}/retry`,
      confirmLabel: 'Send again',
      cancelHref: href,
    })
  })

  app.post(`${ROUTE}/retry`, { schema: { params: Params, body: ActionBody }, config: adminOnly }, async (req, reply) =>
    formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) => deliveries.retry(ctx, req.params.webhookDeliveryId),
      (delivery) => deliveryHref(delivery.id),
    ),
  )
}

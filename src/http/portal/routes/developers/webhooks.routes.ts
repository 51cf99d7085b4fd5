import { Type } from 'typebox'
import { InvalidInputError } from '../../../../domain/shared/errors.js'
import { EVENT_TYPES } from '../../../../domain/webhooks/event-types.js'
import type { EndpointWithSecret, WebhookEndpointView } from '../../../../services/webhooks/webhook-endpoint.service.js'
import type { App } from '../../../types.js'
import { formAction, formFields, formKey } from '../../forms.js'
import { RESOURCE_PAGES } from '../../page.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { pager, tablePage } from '../../table.js'
import { ActionBody, adminOnly, confirmAction, DEVELOPERS, devPage, ticked } from './shared.js'

const ROUTE = '/developers/webhooks'
const Params = Type.Object({ webhookEndpointId: Type.String({ format: 'uuid' }) })
const PageQuery = Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 500 })) })
const Hidden = { _csrf: Type.String({ maxLength: 200 }), _idem: Type.String({ maxLength: 200 }) }
const CreateBody = Type.Object(
  { ...Hidden, url: Type.String({ maxLength: 2000 }), description: Type.String({ maxLength: 500 }) },
  { additionalProperties: Type.String({ maxLength: 10 }) },
)
const ReplayBody = Type.Object({
  ...Hidden,
  since: Type.String({ maxLength: 40 }),
  until: Type.String({ maxLength: 40 }),
})

RESOURCE_PAGES.webhook_endpoint = (id) => `${DEVELOPERS}/webhooks/${encodeURIComponent(id)}`
export const endpointHref = (id: string) => RESOURCE_PAGES.webhook_endpoint?.(id) as string
RESOURCE_PAGES.webhook_delivery = (id) => `${DEVELOPERS}/webhooks/deliveries/${encodeURIComponent(id)}`
export const deliveryHref = (id: string) => RESOURCE_PAGES.webhook_delivery?.(id) as string
/** An event type's checkbox is named `type_<type>`. */
const TYPE_FIELD = 'type_'
const TYPES = EVENT_TYPES.map((t) => t.type)

/** What the list and the page say of an endpoint: enabled, failing (still sent to, with backoff), or disabled. */
export const endpointStatus = (e: WebhookEndpointView): string =>
  !e.enabled ? `disabled (${e.disabledReason ?? 'manual'})` : e.failingSince ? 'failing' : 'enabled'

const TOGGLES = {
  enable: {
    enabled: true,
    question: 'Enable this endpoint?',
    effect: 'Now: everything that waited while it was disabled is sent, in order, then every new event.',
  },
  disable: {
    enabled: false,
    question: 'Disable this endpoint?',
    effect: 'Now: nothing more is sent to it; new deliveries wait (paused) until it is enabled again.',
  },
} as const

/**
 * Webhook endpoints: every role reads the list and an endpoint's page with its deliveries; admins
 * register, rotate the secret (shown once), send a test event, enable or disable, and replay, through
 * the same `webhookEndpoints` / `webhookDeliveries` calls as the API's routes.
 */
export async function webhookPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  const { webhookEndpoints: endpoints, webhookDeliveries: deliveries } = deps
  const secretPage =
    (req: Parameters<typeof devPage>[0], reply: Parameters<typeof devPage>[1], title: string) =>
    (result: EndpointWithSecret) =>
      devPage(req, reply, 'secret', {
        title,
        what: `The signing secret of ${result.endpoint.url}`,
        secret: result.secret,
        next: endpointHref(result.endpoint.id),
      })

  app.get(ROUTE, { schema: { querystring: PageQuery } }, async (req, reply) => {
    const result = await endpoints.list(req.ctx.tenant.id, tablePage(req.query))
    return devPage(req, reply, 'webhooks', {
      title: 'Webhook endpoints',
      rows: result.items.map((e) => ({ ...e, href: endpointHref(e.id), status: endpointStatus(e) })),
      pager: pager(`${DEVELOPERS}/webhooks`, {}, result),
    })
  })

  app.get(`${ROUTE}/new`, { config: adminOnly }, async (req, reply) =>
    devPage(req, reply, 'webhook-new', {
      title: 'New webhook endpoint',
      idem: formKey(),
      types: EVENT_TYPES.map((t) => ({ type: t.type, field: `${TYPE_FIELD}${t.type}`, description: t.description })),
    }),
  )

  app.post(ROUTE, { schema: { body: CreateBody }, config: adminOnly }, async (req, reply) => {
    const types = ticked(formFields(req.body), TYPE_FIELD, TYPES)
    return formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) =>
        endpoints.create(ctx, {
          url: req.body.url.trim(),
          ...(req.body.description.trim() && { description: req.body.description.trim() }),
          eventTypes: types.length > 0 ? types : null,
        }),
      (created) => endpointHref(created.endpoint.id),
      secretPage(req, reply, 'Webhook endpoint registered'),
    )
  })

  app.get(`${ROUTE}/:webhookEndpointId`, { schema: { params: Params, querystring: PageQuery } }, async (req, reply) => {
    const endpoint = await endpoints.get(req.ctx.tenant.id, req.params.webhookEndpointId)
    const href = endpointHref(endpoint.id)
    const result = await deliveries.list(req.ctx.tenant.id, { endpointId: endpoint.id }, tablePage(req.query))
    return devPage(req, reply, 'webhook', {
      title: `Webhook endpoint ${endpoint.url}`,
      endpoint: { ...endpoint, status: endpointStatus(endpoint) },
      href,
      deliveries: result.items.map((d) => ({ ...d, href: deliveryHref(d.id) })),
      pager: pager(href, {}, result),
    })
  })

  // A confirmed action on an endpoint: its confirmation page and its form's POST.

  const confirmed = (
    name: string,
    words: (e: WebhookEndpointView) => { question: string; effect: string; confirmLabel: string },
    post: (
      req: Parameters<typeof devPage>[0] & { params: { webhookEndpointId: string } },
      reply: Parameters<typeof devPage>[1],
    ) => Promise<void>,
  ) => {
    app.get(
      `${ROUTE}/:webhookEndpointId/${name}`,
      { schema: { params: Params }, config: adminOnly },
      async (req, reply) => {
        const endpoint = await endpoints.get(req.ctx.tenant.id, req.params.webhookEndpointId)
        const href = endpointHref(endpoint.id)
        return confirmAction(req, reply, { ...words(endpoint), action: `${href}/${name}`, cancelHref: href })
      },
    )
    app.post(
      `${ROUTE}/:webhookEndpointId/${name}`,
      { schema: { params: Params, body: ActionBody }, config: adminOnly },
      async (req, reply) => post(req, reply),
    )
  }

  confirmed(
    'rotate-secret',
    (e) => ({
      question: `Rotate the signing secret of ${e.url}?`,
      effect:
        'Now: a new secret signs every delivery, shown once on the next page. For one day the old secret signs beside it, so the receiver can switch without dropping a delivery.',
      confirmLabel: 'Rotate secret',
    }),
    (req, reply) =>
      formAction(
        req,
        reply,
        deps.idempotency,
        (ctx) => endpoints.rotateSecret(ctx, req.params.webhookEndpointId),
        (rotated) => endpointHref(rotated.endpoint.id),
        secretPage(req, reply, 'Signing secret rotated'),
      ),
  )

  confirmed(
    'test',
    (e) => ({
      question: `Send a test event to ${e.url}?`,
      effect: 'Now: one signed webhook.test event is queued for this endpoint only; its delivery shows below.',
      confirmLabel: 'Send test event',
    }),
    (req, reply) =>
      formAction(
        req,
        reply,
        deps.idempotency,
        (ctx) => deliveries.test(ctx, req.params.webhookEndpointId),
        (delivery) => endpointHref(delivery.endpointId),
      ),
  )

  for (const [name, toggle] of Object.entries(TOGGLES))
    confirmed(
      name,
      (e) => ({
        question: toggle.question.replace('this endpoint', e.url),
        effect: toggle.effect,
        confirmLabel: name === 'enable' ? 'Enable' : 'Disable',
      }),
      (req, reply) =>
        formAction(
          req,
          reply,
          deps.idempotency,
          (ctx) => endpoints.update(ctx, req.params.webhookEndpointId, { enabled: toggle.enabled }),
          (endpoint) => endpointHref(endpoint.id),
        ),
    )

  app.get(
    `${ROUTE}/:webhookEndpointId/replay`,
    { schema: { params: Params }, config: adminOnly },
    async (req, reply) => {
      const endpoint = await endpoints.get(req.ctx.tenant.id, req.params.webhookEndpointId)
      const since = new Date(req.ctx.clock.now().getTime() - 86_400_000).toISOString()
      return devPage(req, reply, 'webhook-replay', {
        title: `Replay events to ${endpoint.url}`,
        endpoint,
        href: endpointHref(endpoint.id),
        since,
        idem: formKey(),
      })
    },
  )

  app.post(
    `${ROUTE}/:webhookEndpointId/replay`,
    { schema: { params: Params, body: ReplayBody }, config: adminOnly },
    async (req, reply) => {
      const since = instant(req.body.since, 'since')
      const until = req.body.until.trim() ? instant(req.body.until, 'until') : undefined
      return formAction(
        req,
        reply,
        deps.idempotency,
        (ctx) => deliveries.replay(ctx, req.params.webhookEndpointId, { since, ...(until && { until }) }),
        (result) => endpointHref(result.endpointId),
      )
    },
  )
}

/** An instant typed in a form (ISO 8601 with its offset), or a 400 that names the field. */
function instant(raw: string, field: string): string {
  const text = raw.trim()
  const date = new Date(text)
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(date.getTime()))
    throw new InvalidInputError('request.invalid', `${field} must be an instant such as 2025-01-15T09:00:00Z.`, {}, [
      { path: `/body/${field}`, message: 'must be an ISO 8601 instant with its offset' },
    ])
  return date.toISOString()
}

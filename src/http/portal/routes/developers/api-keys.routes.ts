import { Type } from 'typebox'
import { SCOPE_DESCRIPTIONS, SCOPES } from '../../../../domain/access/scopes.js'
import { InvalidInputError } from '../../../../domain/shared/errors.js'
import type { App } from '../../../types.js'
import { formAction, formFields, formKey } from '../../forms.js'
import { RESOURCE_PAGES } from '../../page.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { pager, tablePage } from '../../table.js'
import { ActionBody, adminOnly, confirmAction, DEVELOPERS, devPage, ticked } from './shared.js'

const ROUTE = '/developers/api-keys'
const KEYS = `${DEVELOPERS}/api-keys`
const Params = Type.Object({ apiKeyId: Type.String({ format: 'uuid' }) })
const ListQuery = Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 500 })) })
const CreateBody = Type.Object(
  {
    _csrf: Type.String({ maxLength: 200 }),
    _idem: Type.String({ maxLength: 200 }),
    label: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: Type.String({ maxLength: 10 }) },
)

RESOURCE_PAGES.api_key = (id) => `${KEYS}/${encodeURIComponent(id)}`
const keyHref = (id: string) => RESOURCE_PAGES.api_key?.(id) as string
/** A scope's checkbox is named `scope_<scope>`: one plain field per box, so the form's fingerprint names each. */
const SCOPE_FIELD = 'scope_'

/**
 * API keys: the list and a key's page for every role (a key's secret is never stored, only its last
 * four characters); creating (the secret shown once) and revoking for admins, through the same
 * `apiKeys` calls as `POST /api-keys` and `DELETE /api-keys/{id}`.
 */
export async function apiKeyPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get(ROUTE, { schema: { querystring: ListQuery } }, async (req, reply) => {
    const result = await deps.apiKeys.list(req.ctx.tenant, tablePage(req.query))
    return devPage(req, reply, 'api-keys', {
      title: 'API keys',
      rows: result.items.map((key) => ({ ...key, href: keyHref(key.id) })),
      pager: pager(KEYS, {}, result),
    })
  })

  app.get(`${ROUTE}/new`, { config: adminOnly }, async (req, reply) =>
    devPage(req, reply, 'api-key-new', {
      title: 'New API key',
      idem: formKey(),
      scopes: SCOPES.map((scope) => ({
        scope,
        field: `${SCOPE_FIELD}${scope}`,
        description: SCOPE_DESCRIPTIONS[scope],
      })),
    }),
  )

  app.post(ROUTE, { schema: { body: CreateBody }, config: adminOnly }, async (req, reply) => {
    const fields = formFields(req.body)
    const scopes = ticked(fields, SCOPE_FIELD, SCOPES)
    // The API reads no scopes as every scope; a form with nothing ticked is more likely a slip.
    if (scopes.length === 0)
      throw new InvalidInputError('request.invalid', 'Tick at least one scope for the key.', {}, [
        { path: '/body/scopes', message: 'tick at least one scope' },
      ])
    return formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) => deps.apiKeys.create(ctx, req.ctx.tenant, { label: req.body.label, scopes }),
      (created) => keyHref(created.apiKey.id),
      (created) =>
        devPage(req, reply, 'secret', {
          title: 'API key created',
          what: `The API key “${created.apiKey.label}”`,
          secret: created.key,
          header: 'X-Api-Key',
          next: keyHref(created.apiKey.id),
        }),
    )
  })

  app.get(`${ROUTE}/:apiKeyId`, { schema: { params: Params } }, async (req, reply) => {
    const key = await deps.apiKeys.get(req.ctx.tenant, req.params.apiKeyId)
    return devPage(req, reply, 'api-key', { title: `API key ${key.label}`, key, href: keyHref(key.id) })
  })

  app.get(`${ROUTE}/:apiKeyId/revoke`, { schema: { params: Params }, config: adminOnly }, async (req, reply) => {
    const key = await deps.apiKeys.get(req.ctx.tenant, req.params.apiKeyId)
    const href = keyHref(key.id)
    return confirmAction(req, reply, {
      question: `Revoke the API key “${key.label}”?`,
      effect: `Now: every request with ${key.prefix}…${key.hint} is refused (401) from then on. It cannot be undone.`,
      action: `${href}/revoke`,
      confirmLabel: 'Revoke',
      cancelHref: href,
    })
  })

  app.post(
    `${ROUTE}/:apiKeyId/revoke`,
    { schema: { params: Params, body: ActionBody }, config: adminOnly },
    async (req, reply) =>
      formAction(
        req,
        reply,
        deps.idempotency,
        (ctx) => deps.apiKeys.revoke(ctx, req.ctx.tenant, req.params.apiKeyId),
        (key) => keyHref(key.id),
      ),
  )
}

import type { Clock } from '../../domain/shared/clock.js'
import { NotFoundError } from '../../domain/shared/errors.js'
import { newId } from '../../domain/shared/ids.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { mapPage, readPage } from '../../domain/shared/paging.js'
import { checkEndpointHeaders, checkEndpointUrl } from '../../domain/webhooks/endpoint.js'
import { checkEventTypes } from '../../domain/webhooks/event-types.js'
import type { Executor } from '../../persistence/database.js'
import type { WebhookEndpointRow } from '../../persistence/repositories/webhook.repository.js'
import * as repo from '../../persistence/repositories/webhook.repository.js'
import type { RequestContext } from '../context.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { SecretBox } from './secret-box.js'
import { generateSigningSecret } from './secret-box.js'
import type { UrlPolicy } from './url-policy.js'

export type DisabledReason = 'manual' | 'gone' | 'failing'

/** An endpoint as the API shows it: never its secret. */
export interface WebhookEndpointView {
  id: string
  url: string
  description: string | null
  eventTypes: string[] | null
  enabled: boolean
  disabledReason: DisabledReason | null
  headers: Record<string, string>
  metadata: Record<string, string>
  /** While a rotation's grace runs, the old secret also signs until then. */
  previousSecretExpiresAt: Date | null
  failingSince: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpointView
  /** `whsec_…`: shown only on creation and rotation. */
  secret: string
}

export interface CreateEndpointInput {
  url: string
  description?: string
  eventTypes?: string[] | null
  enabled?: boolean
  headers?: Record<string, string>
  metadata?: Record<string, string>
}

export type UpdateEndpointInput = Partial<Omit<CreateEndpointInput, 'description'>> & { description?: string | null }

export const DEFAULT_GRACE_SECONDS = 86_400

/** The tenant's webhook endpoints: registration, changes, secret rotation. */
export class WebhookEndpointService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly urls: UrlPolicy,
  ) {}

  create(ctx: RequestContext, input: CreateEndpointInput): Promise<EndpointWithSecret> {
    const url = this.checkUrl(input.url)
    const now = this.clock.now()
    const secret = generateSigningSecret()
    const enabled = input.enabled ?? true
    const row: WebhookEndpointRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      url,
      description: input.description ?? null,
      eventTypes: input.eventTypes ? checkEventTypes(input.eventTypes, '/body/eventTypes') : null,
      enabled,
      disabledReason: enabled ? null : 'manual',
      headers: checkEndpointHeaders(input.headers ?? {}),
      metadata: input.metadata ?? {},
      secretCiphertext: this.box.seal(secret),
      previousSecretCiphertext: null,
      previousSecretExpiresAt: null,
      failingSince: null,
      nextProbeAt: null,
      createdAt: now,
      updatedAt: now,
    }
    return this.uow.write(ctx, async (tx) => {
      await repo.insertEndpoint(tx, row)
      return { endpoint: toEndpointView(row), secret }
    })
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpointView>> {
    const result = await readPage(
      page,
      (window) => repo.listEndpoints(this.db, tenantId, window),
      (row) => row.id,
      () => repo.countEndpoints(this.db, tenantId),
    )
    return mapPage(result, toEndpointView)
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointView> {
    return toEndpointView(await this.require(this.db, tenantId, id))
  }

  /**
   * A partial update. Disabling pauses the endpoint's queue; enabling it again sends what waited,
   * in order, from now.
   */
  update(ctx: RequestContext, id: string, input: UpdateEndpointInput): Promise<WebhookEndpointView> {
    const url = input.url === undefined ? undefined : this.checkUrl(input.url)
    const eventTypes =
      input.eventTypes === undefined
        ? undefined
        : input.eventTypes === null
          ? null
          : checkEventTypes(input.eventTypes, '/body/eventTypes')
    const headers = input.headers === undefined ? undefined : checkEndpointHeaders(input.headers)
    return this.uow.write(ctx, async (tx) => {
      const current = await this.require(tx, ctx.tenant.id, id, true)
      const now = this.clock.now()
      const patch: Partial<WebhookEndpointRow> = { updatedAt: now }
      if (url !== undefined) patch.url = url
      if (input.description !== undefined) patch.description = input.description
      if (eventTypes !== undefined) patch.eventTypes = eventTypes
      if (headers !== undefined) patch.headers = headers
      if (input.metadata !== undefined) patch.metadata = input.metadata
      if (input.enabled === false && current.enabled) {
        Object.assign(patch, { enabled: false, disabledReason: 'manual' })
        await repo.pauseDeliveries(tx, ctx.tenant.id, id, now)
      }
      if (input.enabled === true && !current.enabled) {
        Object.assign(patch, { enabled: true, disabledReason: null, failingSince: null, nextProbeAt: null })
        await repo.resumeDeliveries(tx, ctx.tenant.id, id, ctx.clock.now())
      }
      return toEndpointView((await repo.updateEndpoint(tx, ctx.tenant.id, id, patch)) as WebhookEndpointRow)
    })
  }

  /** Deletes the endpoint with its deliveries and their attempts. */
  delete(ctx: RequestContext, id: string): Promise<WebhookEndpointView> {
    return this.uow.write(ctx, async (tx) => {
      const current = await this.require(tx, ctx.tenant.id, id, true)
      await repo.deleteEndpoint(tx, ctx.tenant.id, id)
      return toEndpointView(current)
    })
  }

  /**
   * A new secret signs from now on; the old one keeps signing beside it for `graceSeconds` on the
   * tenant's clock, so receivers can switch without dropping a delivery.
   */
  rotateSecret(ctx: RequestContext, id: string, graceSeconds = DEFAULT_GRACE_SECONDS): Promise<EndpointWithSecret> {
    const secret = generateSigningSecret()
    return this.uow.write(ctx, async (tx) => {
      const current = await this.require(tx, ctx.tenant.id, id, true)
      const grace = graceSeconds > 0
      const updated = await repo.updateEndpoint(tx, ctx.tenant.id, id, {
        secretCiphertext: this.box.seal(secret),
        previousSecretCiphertext: grace ? current.secretCiphertext : null,
        previousSecretExpiresAt: grace ? new Date(ctx.clock.now().getTime() + graceSeconds * 1000) : null,
        updatedAt: this.clock.now(),
      })
      return { endpoint: toEndpointView(updated as WebhookEndpointRow), secret }
    })
  }

  private checkUrl(raw: string): string {
    const url = checkEndpointUrl(raw)
    this.urls.assertEndpointUrl(url)
    return url
  }

  private async require(ex: Executor, tenantId: string, id: string, lock = false): Promise<WebhookEndpointRow> {
    const row = await repo.findEndpoint(ex, tenantId, id, lock)
    if (!row) throw new NotFoundError('webhook_endpoint', id)
    return row
  }
}

export const toEndpointView = (row: WebhookEndpointRow): WebhookEndpointView => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.eventTypes,
  enabled: row.enabled,
  disabledReason: row.disabledReason as DisabledReason | null,
  headers: row.headers,
  metadata: row.metadata,
  previousSecretExpiresAt: row.previousSecretExpiresAt,
  failingSince: row.failingSince,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
})

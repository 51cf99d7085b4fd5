import type { ValueCheck } from '../domain/parties/contact.js'
import { addressCheck, assertValues } from '../domain/parties/contact.js'
import type { Address } from '../domain/parties/party.js'
import { patched } from '../domain/parties/party.js'
import { NotFoundError } from '../domain/shared/errors.js'
import { isUuid, newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import type {
  SubscriberFilter,
  SubscriberRow,
  SubscriberWithCustomer,
} from '../persistence/repositories/subscriber.repository.js'
import * as subscribers from '../persistence/repositories/subscriber.repository.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import { emptyPage, mapPageAsync, parseRefAt, requireCustomerRow, resolveCustomerFilter } from './party-loaders.js'
import type { SubscriberView } from './party-views.js'
import { toSubscriberView } from './party-views.js'
import type { UnitOfWork } from './unit-of-work.js'

/**
 * How the parties area learns which subscriptions a subscriber has without reading the
 * subscriptions area's tables (the architecture forbids that): the subscriptions area supplies it
 * (services/subscriptions/subscription-lookup.ts).
 */
export interface SubscriptionLookup {
  /** The subscription ids of each subscriber; subscribers with none may be left out of the map. */
  subscriptionIdsBySubscriber(ex: Executor, tenantId: string, subscriberIds: string[]): Promise<Map<string, string[]>>
  /**
   * The subscribers of these subscriptions. Entries are as the client sent them: UUIDs or `rid_`
   * references; unknown ones are simply not matched.
   */
  subscriberIdsBySubscriptions(ex: Executor, tenantId: string, subscriptionIds: string[]): Promise<string[]>
}

export interface CreateSubscriberInput {
  /** UUID or `rid_` of the customer the subscriber belongs to. */
  customerId: string
  name: string
  email?: string
  address?: Address
  metadata?: Record<string, unknown>
}

/** A partial update: absent fields keep their value, `null` clears an optional one. */
export interface UpdateSubscriberInput {
  name?: string
  email?: string | null
  address?: Address | null
  metadata?: Record<string, unknown>
}

export interface SubscriberFilterInput {
  /** UUIDs or `rid_` references. */
  customerIds?: string[]
  /** UUIDs or `rid_` references, resolved by the subscription lookup. */
  subscriptionIds?: string[]
}

/** Subscribers: the person using a subscription (typically one subscription each), of one customer. */
export class SubscriberService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
    private readonly lookup: SubscriptionLookup,
  ) {}

  /**
   * Creates a subscriber inside the caller's transaction (subscriptions and orders create them) and
   * emits `subscriber.created`. An unknown customer is a 404 `customer.not_found`.
   */
  async createSubscriber(
    tx: Executor,
    ctx: RequestContext,
    input: CreateSubscriberInput,
    path = '/body',
  ): Promise<SubscriberView> {
    assertValues(subscriberChecks(input, path))
    const customer = await requireCustomerRow(tx, ctx.tenant.id, parseRefAt(input.customerId, `${path}/customerId`))
    const now = ctx.clock.now()
    const row: SubscriberRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      customerId: customer.id,
      name: input.name,
      email: input.email ?? null,
      address: input.address ?? null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    await subscribers.insertSubscriber(tx, row)
    const view = toSubscriberView({ ...row, customerName: customer.name }, [])
    await this.events.emit(tx, ctx, {
      type: 'subscriber.created',
      resource: { type: 'subscriber', id: row.id },
      data: view,
    })
    return view
  }

  get(tenantId: string, id: string): Promise<SubscriberView> {
    return this.requireSubscriber(this.db, tenantId, id)
  }

  /** The subscriber, read with `ex`; 404 `subscriber.not_found` when absent, another tenant's or not a UUID. */
  async requireSubscriber(ex: Executor, tenantId: string, id: string): Promise<SubscriberView> {
    const row = isUuid(id) ? await subscribers.findSubscriber(ex, tenantId, id.toLowerCase()) : undefined
    if (!row) throw new NotFoundError('subscriber', id)
    const [view] = await this.views(ex, tenantId, [row])
    return view as SubscriberView
  }

  async list(tenantId: string, filter: SubscriberFilterInput, page: PageRequest): Promise<Page<SubscriberView>> {
    const query: SubscriberFilter = {}
    if (filter.customerIds?.length) {
      query.customerIds = await resolveCustomerFilter(
        this.db,
        tenantId,
        filter.customerIds.map((value, i) => ({ value, path: `/query/customerId/${i}` })),
      )
      if (query.customerIds.length === 0) return emptyPage(page)
    }
    if (filter.subscriptionIds?.length) {
      filter.subscriptionIds.forEach((value, i) => parseRefAt(value, `/query/subscriptionId/${i}`))
      query.ids = await this.lookup.subscriberIdsBySubscriptions(this.db, tenantId, filter.subscriptionIds)
      if (query.ids.length === 0) return emptyPage(page)
    }
    const result = await readPage(
      page,
      (window) => subscribers.listSubscribers(this.db, tenantId, query, window),
      (row) => row.id,
      () => subscribers.countSubscribers(this.db, tenantId, query),
    )
    return mapPageAsync(result, (rows) => this.views(this.db, tenantId, rows))
  }

  /** Updates the fields present in `input` (null clears an optional one) and emits `subscriber.updated`. */
  update(ctx: RequestContext, id: string, input: UpdateSubscriberInput): Promise<SubscriberView> {
    return this.uow.write(ctx, async (tx) => {
      assertValues(subscriberChecks(input, '/body'))
      const current = isUuid(id) ? await subscribers.lockSubscriber(tx, ctx.tenant.id, id.toLowerCase()) : undefined
      if (!current) throw new NotFoundError('subscriber', id)
      const opt = <T>(value: T | null) => value ?? undefined
      await subscribers.updateSubscriber(tx, ctx.tenant.id, current.id, {
        name: input.name ?? current.name,
        email: patched(opt(current.email), input.email) ?? null,
        address: patched(opt(current.address), input.address) ?? null,
        metadata: input.metadata ?? current.metadata,
        updatedAt: ctx.clock.now(),
      })
      const view = await this.requireSubscriber(tx, ctx.tenant.id, current.id)
      await this.events.emit(tx, ctx, {
        type: 'subscriber.updated',
        resource: { type: 'subscriber', id: current.id },
        data: view,
      })
      return view
    })
  }

  private async views(ex: Executor, tenantId: string, rows: SubscriberWithCustomer[]): Promise<SubscriberView[]> {
    const subscriptions =
      rows.length > 0
        ? await this.lookup.subscriptionIdsBySubscriber(
            ex,
            tenantId,
            rows.map((r) => r.id),
          )
        : new Map<string, string[]>()
    return rows.map((row) => toSubscriberView(row, subscriptions.get(row.id) ?? []))
  }
}

const subscriberChecks = (input: { email?: string | null; address?: Address | null }, path: string): ValueCheck[] => [
  ['email', `${path}/email`, input.email],
  addressCheck(input.address, `${path}/address`),
]

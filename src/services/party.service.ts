import { NotFoundError } from '../domain/shared/errors.js'
import type { EntityRef } from '../domain/shared/ids.js'
import * as customerRows from '../persistence/repositories/customer.repository.js'
import * as subscriberRows from '../persistence/repositories/subscriber.repository.js'
import type { Executor } from '../persistence/database.js'
import type { SubscriberRow } from '../persistence/repositories/subscriber.repository.js'
import type { RequestContext } from './context.js'
import type { CreateCustomerInput, CustomerService } from './customer.service.js'
import type {
  CustomerView,
  EmbeddedCustomerView,
  EmbeddedSubscriberView,
  SubscriberView,
  UserView,
} from './party-views.js'
import { embedCustomer, embedSubscriber, embedSubscriberRow } from './party-views.js'
import type { CreateSubscriberInput, SubscriberService } from './subscriber.service.js'
import type { CreateUserInput, UserService } from './user.service.js'

export type { CreateCustomerInput } from './customer.service.js'
export type { CreateSubscriberInput, SubscriptionLookup } from './subscriber.service.js'
export type { CreateUserInput } from './user.service.js'
export type {
  CustomerView,
  EmbeddedCustomerView,
  EmbeddedSubscriberView,
  SubscriberView,
  UserView,
} from './party-views.js'

/**
 * What other areas use of customers, users and subscribers (`services.parties`). The methods that
 * take a transaction run inside the caller's, so an order can create its customer, user and
 * subscriber atomically with everything else it does; they emit their events in it.
 */
export class PartyService {
  constructor(
    private readonly customers: CustomerService,
    private readonly users: UserService,
    private readonly subscribers: SubscriberService,
  ) {}

  /** The customer by UUID or `rid_`; 404 `customer.not_found` (also for another tenant's). */
  requireCustomer(ex: Executor, tenantId: string, ref: EntityRef): Promise<CustomerView> {
    return this.customers.requireCustomer(ex, tenantId, ref)
  }

  /** The subscriber by UUID; 404 `subscriber.not_found`. */
  requireSubscriber(ex: Executor, tenantId: string, id: string): Promise<SubscriberView> {
    return this.subscribers.requireSubscriber(ex, tenantId, id)
  }

  /** Emits `subscriber.created`. `path` locates the input in the caller's body for error paths (default `/body`). */
  createSubscriber(
    tx: Executor,
    ctx: RequestContext,
    input: CreateSubscriberInput,
    path?: string,
  ): Promise<SubscriberView> {
    return this.subscribers.createSubscriber(tx, ctx, input, path)
  }

  /** Emits `customer.created` (and `user.updated` for users granted access). */
  createCustomer(tx: Executor, ctx: RequestContext, input: CreateCustomerInput, path?: string): Promise<CustomerView> {
    return this.customers.createCustomer(tx, ctx, input, path)
  }

  /** Emits `user.created`. */
  createUser(tx: Executor, ctx: RequestContext, input: CreateUserInput, path?: string): Promise<UserView> {
    return this.users.createUser(tx, ctx, input, path)
  }

  /**
   * Customers as other resources embed them, by id, read in one statement (not the whole
   * customer view); 404 `customer.not_found` for the first id that has none.
   */
  async embeddedCustomers(
    ex: Executor,
    tenantId: string,
    ids: Iterable<string>,
  ): Promise<Map<string, EmbeddedCustomerView>> {
    const wanted = [...new Set(ids)]
    const found = new Map((await customerRows.findCustomerNames(ex, tenantId, wanted)).map((c) => [c.id, c]))
    return new Map(
      wanted.map((id) => {
        const row = found.get(id)
        if (!row) throw new NotFoundError('customer', id)
        return [id, { customerId: row.id, name: row.name }]
      }),
    )
  }

  /** Subscribers as a subscription embeds them, by id, read in one statement; 404 `subscriber.not_found` for the first missing. */
  async embeddedSubscribers(
    ex: Executor,
    tenantId: string,
    ids: Iterable<string>,
  ): Promise<Map<string, EmbeddedSubscriberView>> {
    const wanted = [...new Set(ids)]
    const found = new Map((await subscriberRows.findSubscribers(ex, tenantId, wanted)).map((s) => [s.id, s]))
    return new Map(
      wanted.map((id) => {
        const row = found.get(id)
        if (!row) throw new NotFoundError('subscriber', id)
        return [id, embedSubscriberRow(row)]
      }),
    )
  }

  embedCustomer(c: CustomerView): EmbeddedCustomerView {
    return embedCustomer(c)
  }

  embedSubscriber(s: SubscriberView): EmbeddedSubscriberView {
    return embedSubscriber(s)
  }

  /** A subscriber row another area read (joined to its own) as it embeds it. */
  embedSubscriberRow(row: SubscriberRow): EmbeddedSubscriberView {
    return embedSubscriberRow(row)
  }
}

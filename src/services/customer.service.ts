import { randomInt } from 'node:crypto'
import type { BillingMethodInput, ValueCheck } from '../domain/parties/contact.js'
import {
  DEFAULT_BILLING_METHOD,
  addressCheck,
  assertValues,
  canonicalBillingMethod,
  canonicalLocale,
} from '../domain/parties/contact.js'
import { generateHumanReadableId } from '../domain/parties/human-readable-id.js'
import type { Address, CustomerType, CustomerUserRole, Shipping } from '../domain/parties/party.js'
import { DEFAULT_CUSTOMER_USER_ROLE, compact, patched } from '../domain/parties/party.js'
import { ConflictError, InvalidInputError } from '../domain/shared/errors.js'
import type { EntityRef } from '../domain/shared/ids.js'
import { newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import { isUniqueViolation } from '../persistence/errors.js'
import * as members from '../persistence/repositories/customer-user.repository.js'
import type { CustomerPatch, CustomerRow } from '../persistence/repositories/customer.repository.js'
import * as customers from '../persistence/repositories/customer.repository.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import {
  emptyPage,
  findUserByRef,
  loadCustomerViews,
  mapPageAsync,
  parseRefAt,
  requireCustomerRow,
  requireUsersAt,
} from './party-loaders.js'
import type { CustomerView } from './party-views.js'
import type { CustomerUserService } from './customer-user.service.js'
import type { UnitOfWork } from './unit-of-work.js'

export interface CustomerContactInput {
  email?: string
  msisdn?: string
}

export interface CustomerBillingInput {
  /** `EMAIL_INVOICE` (older spelling) is stored as `E_INVOICE`. Default `E_INVOICE`. */
  method?: BillingMethodInput
  email?: string
  address?: Address
  /** ISO 4217. Default: the tenant's `settings.currency`, else USD. */
  currency?: string
  defaultPaymentProfileId?: string
  autoPay?: boolean
}

export interface CreateCustomerInput {
  customerType: CustomerType
  name: string
  identity?: string
  preferredLocale?: string
  contact?: CustomerContactInput
  billing?: CustomerBillingInput
  /** Users granted access: a user id (UUID or `rid_`), or one with a role (default MEMBER). */
  users?: (string | { userId: string; role?: CustomerUserRole })[]
  contactPersonUserId?: string
  shipping?: Shipping
  referenceId?: string
  metadata?: Record<string, unknown>
}

type Nullable<T> = { [K in keyof T]?: T[K] | null }

/** A partial update: absent fields keep their value, `null` clears an optional one. */
export interface UpdateCustomerInput {
  customerType?: CustomerType
  name?: string
  identity?: string | null
  preferredLocale?: string | null
  contact?: Nullable<CustomerContactInput>
  billing?: Nullable<Omit<CustomerBillingInput, 'method' | 'currency' | 'autoPay'>> &
    Pick<CustomerBillingInput, 'method' | 'currency' | 'autoPay'>
  contactPersonUserId?: string | null
  shipping?: Shipping | null
  referenceId?: string | null
  metadata?: Record<string, unknown>
}

export interface CustomerFilterInput {
  search?: string
  customerType?: CustomerType
  /** UUID or `rid_`. */
  userId?: string
}

/** An id is drawn again when it is taken; five draws in a row colliding means something is broken. */
const MAX_ID_DRAWS = 5

/** Customers: the billable party, which owns subscribers and subscriptions and which users act for. */
export class CustomerService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
    private readonly customerUsers: CustomerUserService,
    /** Uniform integers in [0, n); tests inject one to force id collisions. */
    private readonly randomBelow: (n: number) => number = randomInt,
  ) {}

  create(ctx: RequestContext, input: CreateCustomerInput): Promise<CustomerView> {
    return this.uow.write(ctx, (tx) => this.createCustomer(tx, ctx, input))
  }

  /**
   * Creates a customer inside the caller's transaction (the orders area creates new customers in
   * its own) and emits `customer.created`, plus `user.updated` for each user granted access.
   * `path` is where the input sits in the caller's body, for error paths (default `/body`).
   */
  async createCustomer(
    tx: Executor,
    ctx: RequestContext,
    input: CreateCustomerInput,
    path = '/body',
  ): Promise<CustomerView> {
    assertValues(customerChecks(input, path))
    const grants = (input.users ?? []).map((u, i) =>
      typeof u === 'string'
        ? { value: u, path: `${path}/users/${i}`, role: DEFAULT_CUSTOMER_USER_ROLE }
        : { value: u.userId, path: `${path}/users/${i}/userId`, role: u.role ?? DEFAULT_CUSTOMER_USER_ROLE },
    )
    const users = await requireUsersAt(tx, ctx.tenant.id, grants)
    const duplicate = users.findIndex((u, i) => users.findIndex((other) => other.id === u.id) !== i)
    if (duplicate >= 0) {
      const at = grants[duplicate]?.path as string
      throw new InvalidInputError('request.validation_failed', `${at} names a user already in the list.`, {}, [
        { path: at, message: 'names a user already in the list' },
      ])
    }
    const contactPerson = await this.contactPerson(tx, ctx.tenant.id, input.contactPersonUserId, path)
    const now = ctx.clock.now()
    const billing = input.billing ?? {}
    const row: CustomerRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      customerType: input.customerType,
      name: input.name,
      identity: input.identity ?? null,
      preferredLocale: input.preferredLocale ? canonicalLocale(input.preferredLocale) : null,
      humanReadableId: '',
      contactEmail: input.contact?.email ?? null,
      contactMsisdn: input.contact?.msisdn ?? null,
      billingMethod: canonicalBillingMethod(billing.method ?? DEFAULT_BILLING_METHOD),
      billingEmail: billing.email ?? null,
      billingAddress: billing.address ?? null,
      billingCurrency: billing.currency ?? defaultCurrency(ctx.tenant.settings),
      defaultPaymentProfileId: billing.defaultPaymentProfileId ?? null,
      autoPay: billing.autoPay ?? false,
      shipping: input.shipping ?? null,
      contactPersonUserId: contactPerson ?? null,
      referenceId: input.referenceId ?? null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    await this.insertWithFreshId(tx, row)
    await members.insertMembers(
      tx,
      users.map((u, i) => ({
        tenantId: ctx.tenant.id,
        customerId: row.id,
        userId: u.id,
        role: grants[i]?.role as CustomerUserRole,
        createdAt: now,
        updatedAt: now,
      })),
    )
    const [view] = await loadCustomerViews(tx, ctx.tenant.id, [row])
    await this.events.emit(tx, ctx, {
      type: 'customer.created',
      resource: { type: 'customer', id: row.id },
      data: view,
    })
    await this.customerUsers.usersChanged(
      tx,
      ctx,
      users.map((u) => u.id),
    )
    return view as CustomerView
  }

  async get(tenantId: string, ref: EntityRef): Promise<CustomerView> {
    return this.requireCustomer(this.db, tenantId, ref)
  }

  /** The customer by UUID or `rid_` reference, read with `ex` (a transaction, to see its writes); else 404. */
  async requireCustomer(ex: Executor, tenantId: string, ref: EntityRef): Promise<CustomerView> {
    const [view] = await loadCustomerViews(ex, tenantId, [await requireCustomerRow(ex, tenantId, ref)])
    return view as CustomerView
  }

  async list(tenantId: string, filter: CustomerFilterInput, page: PageRequest): Promise<Page<CustomerView>> {
    let userId: string | undefined
    if (filter.userId !== undefined) {
      const user = await findUserByRef(this.db, tenantId, parseRefAt(filter.userId, '/query/userId'))
      if (!user) return emptyPage(page)
      userId = user.id
    }
    const query = compact({ customerType: filter.customerType, search: filter.search, userId })
    const result = await readPage(
      page,
      (window) => customers.listCustomers(this.db, tenantId, query, window),
      (row) => row.id,
      () => customers.countCustomers(this.db, tenantId, query),
    )
    return mapPageAsync(result, (rows) => loadCustomerViews(this.db, tenantId, rows))
  }

  /** Updates the fields present in `input` (null clears an optional one) and emits `customer.updated`. */
  update(ctx: RequestContext, ref: EntityRef, input: UpdateCustomerInput): Promise<CustomerView> {
    return this.uow.write(ctx, async (tx) => {
      assertValues(customerChecks(input, '/body'))
      const current = await requireCustomerRow(tx, ctx.tenant.id, ref, { lock: true })
      const contactPerson =
        input.contactPersonUserId === undefined || input.contactPersonUserId === null
          ? input.contactPersonUserId
          : await this.contactPerson(tx, ctx.tenant.id, input.contactPersonUserId, '/body')
      const { contact = {}, billing = {} } = input
      const opt = <T>(value: T | null) => value ?? undefined
      const patch: CustomerPatch = {
        customerType: input.customerType ?? current.customerType,
        name: input.name ?? current.name,
        identity: patched(opt(current.identity), input.identity) ?? null,
        preferredLocale:
          patched(opt(current.preferredLocale), input.preferredLocale && canonicalLocale(input.preferredLocale)) ??
          null,
        contactEmail: patched(opt(current.contactEmail), contact.email) ?? null,
        contactMsisdn: patched(opt(current.contactMsisdn), contact.msisdn) ?? null,
        billingMethod: billing.method ? canonicalBillingMethod(billing.method) : current.billingMethod,
        billingEmail: patched(opt(current.billingEmail), billing.email) ?? null,
        billingAddress: patched(opt(current.billingAddress), billing.address) ?? null,
        billingCurrency: billing.currency ?? current.billingCurrency,
        defaultPaymentProfileId: patched(opt(current.defaultPaymentProfileId), billing.defaultPaymentProfileId) ?? null,
        autoPay: billing.autoPay ?? current.autoPay,
        contactPersonUserId: patched(opt(current.contactPersonUserId), contactPerson) ?? null,
        shipping: patched(opt(current.shipping), input.shipping) ?? null,
        referenceId: patched(opt(current.referenceId), input.referenceId) ?? null,
        metadata: input.metadata ?? current.metadata,
        updatedAt: ctx.clock.now(),
      }
      const row = await this.referenceGuard(input.referenceId, () =>
        customers.updateCustomer(tx, ctx.tenant.id, current.id, patch),
      )
      const [view] = await loadCustomerViews(tx, ctx.tenant.id, [row as CustomerRow])
      await this.events.emit(tx, ctx, {
        type: 'customer.updated',
        resource: { type: 'customer', id: current.id },
        data: view,
      })
      return view as CustomerView
    })
  }

  private async contactPerson(
    ex: Executor,
    tenantId: string,
    value: string | undefined,
    path: string,
  ): Promise<string | undefined> {
    if (value === undefined) return undefined
    const [user] = await requireUsersAt(ex, tenantId, [{ value, path: `${path}/contactPersonUserId` }])
    return user?.id
  }

  /**
   * Inserts with a freshly drawn human-readable id, drawing again while the id is taken in the
   * tenant. A taken reference is a 409 `customer.reference_taken`.
   */
  private async insertWithFreshId(tx: Executor, row: CustomerRow): Promise<void> {
    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      row.humanReadableId = generateHumanReadableId(this.randomBelow)
      if (await this.referenceGuard(row.referenceId, () => customers.insertCustomer(tx, row))) return
    }
    throw new Error(`No free human-readable id after ${MAX_ID_DRAWS} draws: is the random source broken?`)
  }

  private async referenceGuard<T>(referenceId: string | null | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (referenceId && isUniqueViolation(error, customers.CUSTOMER_REFERENCE_KEY)) {
        throw new ConflictError(
          'customer.reference_taken',
          `Another customer already has the reference '${referenceId}'.`,
          { referenceId },
        )
      }
      throw error
    }
  }
}

/** Every e-mail, msisdn, locale, country and currency in a customer body, with its path. */
function customerChecks(input: CreateCustomerInput | UpdateCustomerInput, path: string): ValueCheck[] {
  return [
    ['locale', `${path}/preferredLocale`, input.preferredLocale],
    ['email', `${path}/contact/email`, input.contact?.email],
    ['msisdn', `${path}/contact/msisdn`, input.contact?.msisdn],
    ['email', `${path}/billing/email`, input.billing?.email],
    ['currency', `${path}/billing/currency`, input.billing?.currency],
    addressCheck(input.billing?.address, `${path}/billing/address`),
    ['msisdn', `${path}/shipping/msisdn`, input.shipping?.msisdn],
    addressCheck(input.shipping?.address, `${path}/shipping/address`),
  ]
}

/** The tenant's default billing currency (`settings.currency`), else USD. */
function defaultCurrency(settings: Record<string, unknown>): string {
  const currency = settings.currency
  return typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'USD'
}

import type { CustomerUserRole } from '../domain/parties/party.js'
import { NotFoundError } from '../domain/shared/errors.js'
import type { EntityRef } from '../domain/shared/ids.js'
import { formatEntityRef } from '../domain/shared/ids.js'
import type { Executor } from '../persistence/database.js'
import * as members from '../persistence/repositories/customer-user.repository.js'
import type { CustomerRow } from '../persistence/repositories/customer.repository.js'
import * as customers from '../persistence/repositories/customer.repository.js'
import * as users from '../persistence/repositories/user.repository.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import { findUserByRef, loadCustomerViews, loadUserViews, requireCustomerRow, requireUsersAt } from './party-loaders.js'
import type { CustomerView } from './party-views.js'
import type { UnitOfWork } from './unit-of-work.js'

/**
 * Which users may act for a customer, and in what role. Users are associated with customers, not
 * owned by them: one user may act for several customers. A change shows on both sides (the
 * customer's `users`, the user's `customerIds`), so it emits `customer.updated` and `user.updated`.
 */
export class CustomerUserService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
  ) {}

  /**
   * Grants the user access with `role`, or changes the role of a user who has access already.
   * Granting the role a user already has changes nothing and emits nothing. Answers the customer.
   */
  addUser(
    ctx: RequestContext,
    customerRef: EntityRef,
    input: { userId: string; role: CustomerUserRole },
  ): Promise<CustomerView> {
    return this.uow.write(ctx, async (tx) => {
      const customer = await requireCustomerRow(tx, ctx.tenant.id, customerRef, { lock: true })
      const [user] = await requireUsersAt(tx, ctx.tenant.id, [{ value: input.userId, path: '/body/userId' }])
      const userId = (user as users.UserRow).id
      const existing = await members.findMember(tx, ctx.tenant.id, customer.id, userId)
      if (existing?.role === input.role) return this.view(tx, customer)
      const now = ctx.clock.now()
      await members.upsertMember(tx, {
        tenantId: ctx.tenant.id,
        customerId: customer.id,
        userId,
        role: input.role,
        createdAt: now,
        updatedAt: now,
      })
      return this.changed(tx, ctx, customer, userId)
    })
  }

  /** Takes the user's access away; 404 `customer_user.not_found` when the user has none. Answers the customer. */
  removeUser(ctx: RequestContext, customerRef: EntityRef, userRef: EntityRef): Promise<CustomerView> {
    return this.uow.write(ctx, async (tx) => {
      const customer = await requireCustomerRow(tx, ctx.tenant.id, customerRef, { lock: true })
      const user = await findUserByRef(tx, ctx.tenant.id, userRef)
      if (!user || !(await members.deleteMember(tx, ctx.tenant.id, customer.id, user.id))) {
        throw new NotFoundError('customer_user', formatEntityRef(userRef), { customerId: customer.id })
      }
      return this.changed(tx, ctx, customer, user.id)
    })
  }

  /** Users whose customers changed: marks them updated and emits `user.updated` with each one's view. */
  async usersChanged(tx: Executor, ctx: RequestContext, userIds: string[]): Promise<void> {
    const rows = await users.touchUsers(tx, ctx.tenant.id, userIds, ctx.clock.now())
    const views = await loadUserViews(tx, ctx.tenant.id, rows)
    if (views.length === 0) return
    await this.events.emit(
      tx,
      ctx,
      ...views.map((view) => ({
        type: 'user.updated' as const,
        resource: { type: 'user', id: view.userId },
        data: view,
      })),
    )
  }

  private async changed(
    tx: Executor,
    ctx: RequestContext,
    customer: CustomerRow,
    userId: string,
  ): Promise<CustomerView> {
    const row = (await customers.updateCustomer(tx, ctx.tenant.id, customer.id, {
      updatedAt: ctx.clock.now(),
    })) as CustomerRow
    const view = await this.view(tx, row)
    await this.events.emit(tx, ctx, {
      type: 'customer.updated',
      resource: { type: 'customer', id: row.id },
      data: view,
    })
    await this.usersChanged(tx, ctx, [userId])
    return view
  }

  private async view(tx: Executor, row: CustomerRow): Promise<CustomerView> {
    const [view] = await loadCustomerViews(tx, row.tenantId, [row])
    return view as CustomerView
  }
}

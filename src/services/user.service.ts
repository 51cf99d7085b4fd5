import type { ValueCheck } from '../domain/parties/contact.js'
import { assertValues } from '../domain/parties/contact.js'
import { compact, patched } from '../domain/parties/party.js'
import { ConflictError, NotFoundError } from '../domain/shared/errors.js'
import type { EntityRef } from '../domain/shared/ids.js'
import { formatEntityRef, newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import { isUniqueViolation } from '../persistence/errors.js'
import type { UserRow } from '../persistence/repositories/user.repository.js'
import * as users from '../persistence/repositories/user.repository.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import { emptyPage, findUserByRef, loadUserViews, mapPageAsync, resolveCustomerFilter } from './party-loaders.js'
import type { UserView } from './party-views.js'
import { toUserView } from './party-views.js'
import type { UnitOfWork } from './unit-of-work.js'

export interface CreateUserInput {
  name: string
  email?: string
  /** E.164. */
  msisdn?: string
  /** Personal identity number. */
  identity?: string
  referenceId?: string
  metadata?: Record<string, unknown>
}

/** A partial update: absent fields keep their value, `null` clears an optional one. */
export interface UpdateUserInput {
  name?: string
  email?: string | null
  msisdn?: string | null
  identity?: string | null
  referenceId?: string | null
  metadata?: Record<string, unknown>
}

export interface UserFilterInput {
  /** UUID or `rid_`: users with access to this customer. */
  customerId?: string
  search?: string
}

const USER_REFERENCE_KEY = 'app_user_reference_id_key'

/** Users: people associated with customers (who may act for them), not owned by them. */
export class UserService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
  ) {}

  create(ctx: RequestContext, input: CreateUserInput): Promise<UserView> {
    return this.uow.write(ctx, (tx) => this.createUser(tx, ctx, input))
  }

  /** Creates a user inside the caller's transaction and emits `user.created`. `path` locates the input in the caller's body. */
  async createUser(tx: Executor, ctx: RequestContext, input: CreateUserInput, path = '/body'): Promise<UserView> {
    assertValues(userChecks(input, path))
    const now = ctx.clock.now()
    const row: UserRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      name: input.name,
      email: input.email ?? null,
      msisdn: input.msisdn ?? null,
      identity: input.identity ?? null,
      referenceId: input.referenceId ?? null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    await referenceGuard(row.referenceId, () => users.insertUser(tx, row))
    const view = toUserView(row, [])
    await this.events.emit(tx, ctx, { type: 'user.created', resource: { type: 'user', id: row.id }, data: view })
    return view
  }

  async get(tenantId: string, ref: EntityRef): Promise<UserView> {
    return this.requireUser(this.db, tenantId, ref)
  }

  async requireUser(ex: Executor, tenantId: string, ref: EntityRef): Promise<UserView> {
    const row = await findUserByRef(ex, tenantId, ref)
    if (!row) throw new NotFoundError('user', formatEntityRef(ref))
    const [view] = await loadUserViews(ex, tenantId, [row])
    return view as UserView
  }

  async list(tenantId: string, filter: UserFilterInput, page: PageRequest): Promise<Page<UserView>> {
    let customerIds: string[] | undefined
    if (filter.customerId !== undefined) {
      customerIds = await resolveCustomerFilter(this.db, tenantId, [
        { value: filter.customerId, path: '/query/customerId' },
      ])
      if (customerIds.length === 0) return emptyPage(page)
    }
    const query = compact({ customerIds, search: filter.search })
    const result = await readPage(
      page,
      (window) => users.listUsers(this.db, tenantId, query, window),
      (row) => row.id,
      () => users.countUsers(this.db, tenantId, query),
    )
    return mapPageAsync(result, (rows) => loadUserViews(this.db, tenantId, rows))
  }

  /** Updates the fields present in `input` (null clears an optional one) and emits `user.updated`. */
  update(ctx: RequestContext, ref: EntityRef, input: UpdateUserInput): Promise<UserView> {
    return this.uow.write(ctx, async (tx) => {
      assertValues(userChecks(input, '/body'))
      const found = await findUserByRef(tx, ctx.tenant.id, ref)
      const current = found && (await users.lockUser(tx, ctx.tenant.id, found.id))
      if (!current) throw new NotFoundError('user', formatEntityRef(ref))
      const opt = <T>(value: T | null) => value ?? undefined
      const row = await referenceGuard(input.referenceId, () =>
        users.updateUser(tx, ctx.tenant.id, current.id, {
          name: input.name ?? current.name,
          email: patched(opt(current.email), input.email) ?? null,
          msisdn: patched(opt(current.msisdn), input.msisdn) ?? null,
          identity: patched(opt(current.identity), input.identity) ?? null,
          referenceId: patched(opt(current.referenceId), input.referenceId) ?? null,
          metadata: input.metadata ?? current.metadata,
          updatedAt: ctx.clock.now(),
        }),
      )
      const [view] = await loadUserViews(tx, ctx.tenant.id, [row as UserRow])
      await this.events.emit(tx, ctx, { type: 'user.updated', resource: { type: 'user', id: current.id }, data: view })
      return view as UserView
    })
  }
}

const userChecks = (input: CreateUserInput | UpdateUserInput, path: string): ValueCheck[] => [
  ['email', `${path}/email`, input.email],
  ['msisdn', `${path}/msisdn`, input.msisdn],
]

async function referenceGuard<T>(referenceId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (referenceId && isUniqueViolation(error, USER_REFERENCE_KEY)) {
      throw new ConflictError('user.reference_taken', `Another user already has the reference '${referenceId}'.`, {
        referenceId,
      })
    }
    throw error
  }
}

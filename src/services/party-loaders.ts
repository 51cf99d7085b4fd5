import { BusinessRuleError, InvalidInputError, NotFoundError } from '../domain/shared/errors.js'
import type { FieldError } from '../domain/shared/errors.js'
import type { EntityRef } from '../domain/shared/ids.js'
import { formatEntityRef, parseEntityRef } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import { listMembers, listMemberships } from '../persistence/repositories/customer-user.repository.js'
import type { CustomerRow } from '../persistence/repositories/customer.repository.js'
import {
  findCustomer,
  findCustomerByReference,
  lockCustomer,
  resolveCustomerIds,
} from '../persistence/repositories/customer.repository.js'
import type { UserRow } from '../persistence/repositories/user.repository.js'
import { findUser, findUserByReference, findUsers } from '../persistence/repositories/user.repository.js'
import type { CustomerView, UserView } from './party-views.js'
import { toCustomerView, toUserView } from './party-views.js'

/**
 * Reads shared by the customer, user and subscriber services: views built for a whole page in a
 * fixed number of queries, and the resolution of `rid_` references in bodies and filters.
 */

export async function loadCustomerViews(ex: Executor, tenantId: string, rows: CustomerRow[]): Promise<CustomerView[]> {
  const members = await listMembers(
    ex,
    tenantId,
    rows.map((r) => r.id),
  )
  const contactIds = [...new Set(rows.flatMap((r) => (r.contactPersonUserId ? [r.contactPersonUserId] : [])))]
  const contacts = new Map((await findUsers(ex, tenantId, contactIds)).map((u) => [u.id, u]))
  return rows.map((row) =>
    toCustomerView(
      row,
      members.filter((m) => m.customerId === row.id),
      row.contactPersonUserId ? contacts.get(row.contactPersonUserId) : undefined,
    ),
  )
}

export async function loadUserViews(ex: Executor, tenantId: string, rows: UserRow[]): Promise<UserView[]> {
  const memberships = await listMemberships(
    ex,
    tenantId,
    rows.map((r) => r.id),
  )
  return rows.map((row) =>
    toUserView(
      row,
      memberships.filter((m) => m.userId === row.id).map((m) => m.customerId),
    ),
  )
}

/** The customer row by UUID or `rid_` reference (locked for update when asked), else 404. */
export async function requireCustomerRow(
  ex: Executor,
  tenantId: string,
  ref: EntityRef,
  options: { lock?: boolean } = {},
): Promise<CustomerRow> {
  let row =
    ref.kind === 'id'
      ? await findCustomer(ex, tenantId, ref.id)
      : await findCustomerByReference(ex, tenantId, ref.reference)
  if (row && options.lock) row = await lockCustomer(ex, tenantId, row.id)
  if (!row) throw new NotFoundError('customer', formatEntityRef(ref))
  return row
}

/** The page a filter naming nothing that exists answers. */
export const emptyPage = <T>(page: PageRequest): Page<T> => ({
  items: [],
  pagination: {
    limit: page.limit,
    nextCursor: null,
    ...(page.offset !== undefined && { offset: page.offset, total: 0 }),
  },
})

export async function mapPageAsync<T, U>(page: Page<T>, map: (items: T[]) => Promise<U[]>): Promise<Page<U>> {
  return { items: await map(page.items), pagination: page.pagination }
}

/** Parses an id in a body or query at `path` (a JSON pointer), answering 400 there when malformed. */
export function parseRefAt(value: string, path: string): EntityRef {
  try {
    return parseEntityRef(value)
  } catch {
    throw new InvalidInputError(
      'request.invalid_id',
      `'${path}' must be a UUID or a reference prefixed with 'rid_'.`,
      { path },
      [{ path, message: 'must be a UUID or rid_<reference>' }],
    )
  }
}

export async function findUserByRef(ex: Executor, tenantId: string, ref: EntityRef): Promise<UserRow | undefined> {
  return ref.kind === 'id' ? findUser(ex, tenantId, ref.id) : findUserByReference(ex, tenantId, ref.reference)
}

/**
 * The users named at these paths, in order. Unknown users are a 422 `user.not_found` naming
 * every path at once: the body is well-formed, it refers to users that do not exist.
 */
export async function requireUsersAt(
  ex: Executor,
  tenantId: string,
  refs: { value: string; path: string }[],
): Promise<UserRow[]> {
  const parsed = refs.map(({ value, path }) => ({ ref: parseRefAt(value, path), value, path }))
  const found = await Promise.all(parsed.map(({ ref }) => findUserByRef(ex, tenantId, ref)))
  const missing: FieldError[] = parsed.flatMap(({ path }, i) => (found[i] ? [] : [{ path, message: 'no such user' }]))
  if (missing.length > 0) {
    const ids = parsed.filter((_, i) => !found[i]).map((p) => p.value)
    throw new BusinessRuleError(
      'user.not_found',
      `No user with id ${ids.map((id) => `'${id}'`).join(', ')}.`,
      { ids },
      missing,
    )
  }
  return found as UserRow[]
}

/**
 * Customer ids from a filter (`customerId=…`, UUIDs or `rid_` references) resolved to the ids of
 * this tenant's customers; ids that match nothing are dropped, so the filter then matches nothing.
 */
export async function resolveCustomerFilter(
  ex: Executor,
  tenantId: string,
  entries: { value: string; path: string }[],
): Promise<string[]> {
  const refs = entries.map(({ value, path }) => parseRefAt(value, path))
  return resolveCustomerIds(ex, tenantId, {
    ids: refs.flatMap((r) => (r.kind === 'id' ? [r.id] : [])),
    references: refs.flatMap((r) => (r.kind === 'reference' ? [r.reference] : [])),
  })
}

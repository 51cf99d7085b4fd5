import { createHash, randomBytes } from 'node:crypto'
import type { Tenant } from '../../domain/access/tenant.js'
import { DUMMY_HASH_PASSWORD, hashPassword, verifyPassword } from '../../domain/operators/password.js'
import type { Role } from '../../domain/operators/roles.js'
import { normaliseEmail } from '../../domain/operators/roles.js'
import type { Clock } from '../../domain/shared/clock.js'
import { newId } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { OperatorRow, SessionRow } from '../../persistence/repositories/operator.repository.js'
import * as operators from '../../persistence/repositories/operator.repository.js'

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000
/** Last use is written at most once a minute, so a page view is not a write each time. */
const TOUCH_INTERVAL_MS = 60_000
/** Sign-in failures are counted over this window (stored in the database, so every process sees them). */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000
export const MAX_FAILURES_PER_ACCOUNT = 5
export const MAX_FAILURES_PER_ADDRESS = 20

export interface PortalSession {
  idHash: string
  csrfSecret: string
  operator: { id: string; email: string }
  tenant: Tenant
  role: Role
  memberships: { tenantId: string; tenantName: string; role: Role }[]
}

export type SignInOutcome =
  | { type: 'signed_in'; sessionId: string }
  | { type: 'refused' }
  | { type: 'disabled' }
  | { type: 'no_tenant' }
  | { type: 'rate_limited'; retryAfterSeconds: number }

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url')

/**
 * Portal sign-in and server-side sessions. The cookie holds a random 256-bit id; the database holds
 * only its sha256, the CSRF secret of the session and the tenant it looks at. Sessions end after
 * 12 h idle, on sign-out, and when their operator is disabled or gets a new password.
 */
export class PortalSessionService {
  private dummyHash: Promise<string> | undefined

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the password. Failures count per account and per address over 15 minutes; past 5 for
   * an account or 20 for an address every attempt is refused, right password or not, until the
   * window has passed. Unknown e-mails take as long as known ones and answer the same.
   */
  async signIn(input: { email: string; password: string; address: string }): Promise<SignInOutcome> {
    const email = normaliseEmail(input.email)
    const now = this.clock.now()
    const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS)
    const subjects = { account: `account:${email}`, address: `address:${input.address}` }
    const failures = await operators.countFailures(this.db, [subjects.account, subjects.address], since)
    if (
      (failures.get(subjects.account) ?? 0) >= MAX_FAILURES_PER_ACCOUNT ||
      (failures.get(subjects.address) ?? 0) >= MAX_FAILURES_PER_ADDRESS
    )
      return { type: 'rate_limited', retryAfterSeconds: SIGN_IN_WINDOW_MS / 1000 }
    const operator = await operators.findOperatorByEmail(this.db, email)
    const matches = await verifyPassword(input.password, operator?.passwordHash ?? (await this.dummy()))
    if (!operator || !matches) {
      await operators.recordFailures(this.db, [
        { subject: subjects.account, at: now, id: newId() },
        { subject: subjects.address, at: now, id: newId() },
      ])
      return { type: 'refused' }
    }
    if (operator.disabledAt) return { type: 'disabled' }
    const [first] = await operators.membershipsOf(this.db, [operator.id])
    if (!first) return { type: 'no_tenant' }
    await operators.clearFailures(this.db, subjects.account, since)
    return { type: 'signed_in', sessionId: await this.open(operator, first.tenantId, input.address) }
  }

  /** The live session a cookie names, or undefined (unknown, revoked, idle too long, operator disabled). */
  async resolve(sessionId: string | undefined): Promise<PortalSession | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined
    const idHash = sha256(sessionId)
    const found = await operators.findSession(this.db, idHash)
    if (!found || found.session.revokedAt || found.operator.disabledAt) return undefined
    const now = this.clock.now()
    if (now.getTime() - found.session.lastSeenAt.getTime() > SESSION_IDLE_MS) return undefined
    const memberships = await operators.membershipsOf(this.db, [found.operator.id])
    // The tenant's membership was taken away: the session moves to one the operator still holds.
    const { tenant, role } = found
    if (!role) {
      const other = memberships[0]
      if (!other) return undefined
      await operators.switchSessionTenant(this.db, idHash, other.tenantId)
      return this.resolve(sessionId)
    }
    await operators.touchSession(this.db, idHash, now, new Date(now.getTime() - TOUCH_INTERVAL_MS))
    return {
      idHash,
      csrfSecret: found.session.csrfSecret,
      operator: { id: found.operator.id, email: found.operator.email },
      tenant: tenant as Tenant,
      role,
      memberships: memberships.map(({ tenantId, tenantName, role: r }) => ({ tenantId, tenantName, role: r })),
    }
  }

  /** Looks at another of the operator's tenants; false when it holds no role there. */
  async switchTenant(session: PortalSession, tenantId: string): Promise<boolean> {
    if (!session.memberships.some((m) => m.tenantId === tenantId)) return false
    await operators.switchSessionTenant(this.db, session.idHash, tenantId)
    return true
  }

  async signOut(session: Pick<PortalSession, 'idHash'>): Promise<void> {
    await operators.revokeSession(this.db, session.idHash, this.clock.now())
  }

  private async open(operator: OperatorRow, tenantId: string, address: string): Promise<string> {
    const sessionId = randomBytes(32).toString('base64url')
    const now = this.clock.now()
    const row: SessionRow = {
      idHash: sha256(sessionId),
      operatorId: operator.id,
      tenantId,
      csrfSecret: randomBytes(32).toString('base64url'),
      address,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    }
    await operators.insertSession(this.db, row)
    return sessionId
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(DUMMY_HASH_PASSWORD)
    return this.dummyHash
  }
}

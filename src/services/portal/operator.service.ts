import type { Tenant } from '../../domain/access/tenant.js'
import type { Role } from '../../domain/operators/roles.js'
import { isEmail, isRole, normaliseEmail, ROLES } from '../../domain/operators/roles.js'
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../../domain/operators/password.js'
import type { Clock } from '../../domain/shared/clock.js'
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/shared/errors.js'
import { newId } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { OperatorRow } from '../../persistence/repositories/operator.repository.js'
import * as operators from '../../persistence/repositories/operator.repository.js'

export interface OperatorView {
  id: string
  email: string
  disabled: boolean
  createdAt: Date
  memberships: { tenant: string; tenantId: string; role: Role }[]
}

export interface CreatedOperator {
  operator: OperatorView
  /** The password, when Openline generated it: shown once, only its hash is stored. */
  generatedPassword: string | undefined
}

/** Operator accounts (the people who use the portal) and their roles per tenant; the CLI's use cases. */
export class OperatorService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates an operator holding `role` in `tenant`, with the given password or a generated one. An
   * operator that exists already is a 409; add a tenant to one with `grant`.
   */
  async create(input: { email: string; tenant: Tenant; role: string; password?: string }): Promise<CreatedOperator> {
    const email = assertEmail(input.email)
    const role = assertRole(input.role)
    const password = input.password ?? generatePassword()
    assertPassword(password)
    const now = this.clock.now()
    const row: OperatorRow = {
      id: newId(),
      email,
      passwordHash: await hashPassword(password),
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    }
    await this.db.transaction(async (tx) => {
      if (!(await operators.insertOperator(tx, row)))
        throw new ConflictError('operator.email_taken', `An operator with the e-mail '${email}' exists already.`, {
          email,
        })
      await operators.upsertMembership(tx, { tenantId: input.tenant.id, operatorId: row.id, role, createdAt: now })
    })
    return {
      operator: (await this.views([row]))[0] as OperatorView,
      generatedPassword: input.password === undefined ? password : undefined,
    }
  }

  /** Gives an operator a role in another tenant (or changes the role it holds there). */
  async grant(emailInput: string, tenant: Tenant, roleInput: string): Promise<OperatorView> {
    const row = await this.byEmail(emailInput)
    await operators.upsertMembership(this.db, {
      tenantId: tenant.id,
      operatorId: row.id,
      role: assertRole(roleInput),
      createdAt: this.clock.now(),
    })
    return (await this.views([row]))[0] as OperatorView
  }

  async list(): Promise<OperatorView[]> {
    return this.views(await operators.listOperators(this.db))
  }

  /** Disables an operator: signing in is refused and every session ends at once. */
  async disable(emailInput: string): Promise<OperatorView> {
    const row = await this.byEmail(emailInput)
    const now = this.clock.now()
    const updated = await this.db.transaction(async (tx) => {
      const disabled = await operators.updateOperator(tx, row.id, { disabledAt: row.disabledAt ?? now, updatedAt: now })
      await operators.revokeSessionsOf(tx, row.id, now)
      return disabled as OperatorRow
    })
    return (await this.views([updated]))[0] as OperatorView
  }

  /** Sets a new password (given or generated) and ends the operator's sessions. */
  async resetPassword(emailInput: string, given?: string): Promise<{ operator: OperatorView; password: string }> {
    const row = await this.byEmail(emailInput)
    const password = given ?? generatePassword()
    assertPassword(password)
    const passwordHash = await hashPassword(password)
    const now = this.clock.now()
    await this.db.transaction(async (tx) => {
      await operators.updateOperator(tx, row.id, { passwordHash, updatedAt: now })
      await operators.revokeSessionsOf(tx, row.id, now)
    })
    return { operator: (await this.views([row]))[0] as OperatorView, password }
  }

  async findByEmail(emailInput: string): Promise<OperatorRow | undefined> {
    return operators.findOperatorByEmail(this.db, normaliseEmail(emailInput))
  }

  private async byEmail(emailInput: string): Promise<OperatorRow> {
    const row = await this.findByEmail(emailInput)
    if (!row) throw new NotFoundError('operator', normaliseEmail(emailInput))
    return row
  }

  /** Operators with their memberships: two statements however many. */
  private async views(rows: OperatorRow[]): Promise<OperatorView[]> {
    const memberships = await operators.membershipsOf(
      this.db,
      rows.map((r) => r.id),
    )
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      disabled: row.disabledAt !== null,
      createdAt: row.createdAt,
      memberships: memberships
        .filter((m) => m.operatorId === row.id)
        .map((m) => ({ tenant: m.tenantName, tenantId: m.tenantId, role: m.role })),
    }))
  }
}

function assertEmail(input: string): string {
  const email = normaliseEmail(input)
  if (!isEmail(email))
    throw new InvalidInputError('operator.invalid_email', `'${input}' is not an e-mail address.`, {}, [
      { path: '/email', message: 'must be an e-mail address' },
    ])
  return email
}

function assertRole(role: string): Role {
  if (!isRole(role))
    throw new InvalidInputError('operator.invalid_role', `Unknown role '${role}'. Roles: ${ROLES.join(', ')}.`, {
      known: ROLES,
    })
  return role
}

function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new InvalidInputError(
      'operator.weak_password',
      `A password needs at least ${MIN_PASSWORD_LENGTH} characters (got ${password.length}).`,
      { minLength: MIN_PASSWORD_LENGTH },
    )
}

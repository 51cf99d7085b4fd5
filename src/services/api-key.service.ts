import type { Scope } from '../domain/access/scopes.js'
import { SCOPES, isScope } from '../domain/access/scopes.js'
import { displayPrefix, generateApiKey, parseApiKey, secretMatches } from '../domain/access/api-key-secret.js'
import type { Tenant } from '../domain/access/tenant.js'
import type { Clock } from '../domain/shared/clock.js'
import { BusinessRuleError, NotFoundError, UnauthenticatedError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { mapPage, readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import type { ApiKeyRow } from '../persistence/repositories/api-key.repository.js'
import * as keys from '../persistence/repositories/api-key.repository.js'
import * as tenants from '../persistence/repositories/tenant.repository.js'
import type { AuthCache, AuthEntry } from './auth-cache.js'
import type { RequestContext } from './context.js'
import type { UnitOfWork } from './unit-of-work.js'

export interface ApiKeyView {
  id: string
  tenantId: string
  label: string
  /** `ol_live_` or `ol_sandbox_`: what kind of key it is, at a glance. */
  prefix: string
  /** The key's last four characters. */
  hint: string
  scopes: Scope[]
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export interface CreatedApiKey {
  apiKey: ApiKeyView
  /** The full key. Shown once; only its hash is stored. */
  key: string
}

/** Record use at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000

export class ApiKeyService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly cache: AuthCache,
  ) {}

  /** Creates a key for a tenant. Without scopes it holds every scope. */
  async create(
    ctx: Pick<RequestContext, 'idempotency'> | undefined,
    tenant: Tenant,
    input: { label?: string; scopes?: string[] },
  ): Promise<CreatedApiKey> {
    const scopes = normaliseScopes(input.scopes)
    const id = newId()
    const secret = generateApiKey({ sandbox: tenant.sandbox, tenantId: tenant.id, keyId: id })
    const row: ApiKeyRow = {
      tenantId: tenant.id,
      id,
      label: input.label?.trim() || 'default',
      secretHash: secret.secretHash,
      hint: secret.hint,
      scopes,
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    }
    return this.uow.write(ctx, async (tx) => {
      await keys.insertApiKey(tx, row)
      return { apiKey: toView(row, tenant.sandbox), key: secret.key }
    })
  }

  async list(tenant: Tenant, page: PageRequest): Promise<Page<ApiKeyView>> {
    const result = await readPage(
      page,
      (window) => keys.listApiKeys(this.db, tenant.id, window),
      (row) => row.id,
      () => keys.countApiKeys(this.db, tenant.id),
    )
    return mapPage(result, (row) => toView(row, tenant.sandbox))
  }

  async get(tenant: Tenant, id: string): Promise<ApiKeyView> {
    const row = await keys.findApiKey(this.db, tenant.id, id)
    if (!row) throw new NotFoundError('api_key', id)
    return toView(row, tenant.sandbox)
  }

  /** Every tenant's keys, for the operator's CLI. */
  async listAll(): Promise<(ApiKeyView & { tenant: string })[]> {
    const byId = new Map((await tenants.listTenants(this.db)).map((t) => [t.id, t]))
    return (await keys.listAllApiKeys(this.db)).map((row) => {
      const tenant = byId.get(row.tenantId) as Tenant
      return { ...toView(row, tenant.sandbox), tenant: tenant.name }
    })
  }

  /** Revokes a key by id whatever its tenant: the operator's CLI. */
  async revokeInAnyTenant(id: string): Promise<ApiKeyView & { tenant: string }> {
    const row = await keys.findApiKeyInAnyTenant(this.db, id)
    if (!row) throw new NotFoundError('api_key', id)
    const tenant = (await tenants.findTenantById(this.db, row.tenantId)) as Tenant
    return { ...(await this.revoke(undefined, tenant, id)), tenant: tenant.name }
  }

  /** Revokes a key at once; revoking twice keeps the first time. */
  async revoke(ctx: Pick<RequestContext, 'idempotency'> | undefined, tenant: Tenant, id: string): Promise<ApiKeyView> {
    const view = await this.uow.write(ctx, async (tx) => {
      const revoked = await keys.revokeApiKey(tx, tenant.id, id, this.clock.now())
      if (!revoked) throw new NotFoundError('api_key', id)
      return toView(revoked, tenant.sandbox)
    })
    this.cache.invalidateKey(id)
    return view
  }

  /**
   * Resolves an `X-Api-Key` to its tenant and key. Missing, malformed, unknown and revoked keys all
   * answer the same 401, so a caller learns nothing about which keys exist.
   */
  async authenticate(rawKey: string | undefined): Promise<AuthEntry> {
    if (!rawKey) throw new UnauthenticatedError('auth.missing_api_key', 'Send your API key in the X-Api-Key header.')
    const parsed = parseApiKey(rawKey.trim())
    if (!parsed) throw invalidKey()
    let entry = this.cache.get(parsed.keyId)
    if (!entry) {
      entry = await keys.findApiKeyWithTenant(this.db, parsed.tenantId, parsed.keyId)
      if (!entry) throw invalidKey()
      this.cache.set(parsed.keyId, entry)
    }
    if (
      entry.key.revokedAt ||
      entry.tenant.sandbox !== parsed.sandbox ||
      !secretMatches(parsed.secret, entry.key.secretHash)
    )
      throw invalidKey()
    await this.touch(entry)
    return entry
  }

  private async touch(entry: AuthEntry): Promise<void> {
    const now = this.clock.now()
    const last = entry.key.lastUsedAt?.getTime()
    if (last !== undefined && now.getTime() - last < TOUCH_INTERVAL_MS) return
    entry.key.lastUsedAt = now
    await keys.touchApiKey(this.db, entry.key.tenantId, entry.key.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS))
  }
}

/** Built only when a check fails: an error captures a stack trace, too dear for every request. */
const invalidKey = () =>
  new UnauthenticatedError('auth.invalid_api_key', 'The API key is not valid (unknown, malformed or revoked).')

export function normaliseScopes(scopes: string[] | undefined): Scope[] {
  if (!scopes || scopes.length === 0) return [...SCOPES]
  const unknown = scopes.filter((s) => !isScope(s))
  if (unknown.length > 0) {
    throw new BusinessRuleError(
      'api_key.unknown_scope',
      `Unknown scope(s): ${unknown.join(', ')}. Known scopes: ${SCOPES.join(', ')}.`,
      { unknown, known: SCOPES },
    )
  }
  return SCOPES.filter((s) => scopes.includes(s))
}

const toView = (row: ApiKeyRow, sandbox: boolean): ApiKeyView => ({
  id: row.id,
  tenantId: row.tenantId,
  label: row.label,
  prefix: displayPrefix(sandbox),
  hint: row.hint,
  scopes: row.scopes as Scope[],
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
})

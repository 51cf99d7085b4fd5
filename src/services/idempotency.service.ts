import type { Clock } from '../domain/shared/clock.js'
import { InvalidInputError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { RequestFingerprint } from '../domain/idempotency/fingerprint.js'
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TOMBSTONE_MS,
  IDEMPOTENCY_TTL_MS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  fingerprintDifferences,
} from '../domain/idempotency/fingerprint.js'
import type { Executor } from '../persistence/database.js'
import * as records from '../persistence/repositories/idempotency.repository.js'

export interface Claim {
  tenantId: string
  key: string
  claimToken: string
}

export type ClaimOutcome =
  | { type: 'claimed'; claim: Claim }
  | { type: 'replay'; status: number; headers: Record<string, string>; body: string }
  | { type: 'key_reused'; differences: ('method' | 'path' | 'body')[] }
  | { type: 'in_progress'; retryAfterSeconds: number }

export type PeekOutcome = Exclude<ClaimOutcome, { type: 'claimed' }> | { type: 'fresh' }

export type KeyStatus =
  | { key: string; state: 'unknown' }
  | { key: string; state: 'in_progress'; createdAt: Date; method: string; route: string }
  | {
      key: string
      state: 'completed'
      createdAt: Date
      completedAt: Date
      expiresAt: Date
      method: string
      route: string
      responseStatus: number
    }
  | { key: string; state: 'expired'; createdAt: Date; expiredAt: Date; method: string; route: string }

/**
 * `X-Idempotency-Key` as the Connect API documents it: the same key and request replays the stored
 * response; the same key with another request is a 409; keys expire after 24 hours. A claim is
 * taken before the operation runs (so a concurrent duplicate sees it in progress), the response is
 * stored in the operation's own transaction, and a 5xx drops the claim so a retry can succeed.
 */
export class IdempotencyService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  validateKey(key: string): void {
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new InvalidInputError(
        'idempotency.invalid_key',
        `X-Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long (got ${key.length}).`,
        { maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, length: key.length },
        [{ path: '/headers/x-idempotency-key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }],
      )
    }
  }

  async claim(tenantId: string, key: string, request: RequestFingerprint): Promise<ClaimOutcome> {
    this.validateKey(key)
    const now = this.clock.now()
    const row: records.IdempotencyRow = {
      tenantId,
      key,
      state: 'in_progress',
      ...request,
      claimToken: newId(),
      lockedUntil: new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      createdAt: now,
      completedAt: null,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    }
    // A new key, the common case: one statement on its own, no transaction around it.
    if (await records.insertClaim(this.db, row)) return claimed(row)
    return this.db.transaction(async (tx) => {
      const existing = await records.findForUpdate(tx, tenantId, key)
      if (!existing || existing.state === 'expired' || existing.expiresAt <= now) {
        // Past its 24 hours the key is free again: the new request starts afresh.
        if (existing) await records.replaceClaim(tx, row)
        else await records.insertClaim(tx, row)
        return claimed(row)
      }
      const differences = fingerprintDifferences(existing, request)
      if (differences.length > 0) return { type: 'key_reused', differences }
      if (existing.state === 'completed') return replayOf(existing)
      if (existing.lockedUntil && existing.lockedUntil > now) return { type: 'in_progress', retryAfterSeconds: 1 }
      // The request that held the key died without finishing (its lock lapsed): take the key over.
      const takeover = { ...row, createdAt: existing.createdAt, expiresAt: existing.expiresAt }
      await records.replaceClaim(tx, takeover)
      return claimed(takeover)
    })
  }

  /**
   * What `claim` would answer, without claiming (a dry-run): a replay, a 409, or `fresh` where the
   * key is free and the request would run. Nothing is written, so the key stays as it was.
   */
  async peek(tenantId: string, key: string, request: RequestFingerprint): Promise<PeekOutcome> {
    this.validateKey(key)
    const now = this.clock.now()
    const existing = await records.find(this.db, tenantId, key)
    if (!existing || existing.state === 'expired' || existing.expiresAt <= now) return { type: 'fresh' }
    const differences = fingerprintDifferences(existing, request)
    if (differences.length > 0) return { type: 'key_reused', differences }
    if (existing.state === 'completed') return replayOf(existing)
    if (existing.lockedUntil && existing.lockedUntil > now) return { type: 'in_progress', retryAfterSeconds: 1 }
    // A claim whose request died: the real call would take it over and run.
    return { type: 'fresh' }
  }

  /** Stores the response in the caller's transaction. False when the claim was lost (taken over). */
  complete(
    tx: Executor,
    claim: Claim,
    response: { status: number; headers: Record<string, string>; body: string },
  ): Promise<boolean> {
    return records.complete(tx, claim, { ...response, now: this.clock.now() })
  }

  /** Stores the response of a request that wrote nothing in a transaction of its own. */
  completeAlone(
    claim: Claim,
    response: { status: number; headers: Record<string, string>; body: string },
  ): Promise<boolean> {
    return records.complete(this.db, claim, { ...response, now: this.clock.now() })
  }

  release(claim: Claim): Promise<void> {
    return records.release(this.db, claim)
  }

  async status(tenantId: string, key: string): Promise<KeyStatus> {
    this.validateKey(key)
    const row = await records.find(this.db, tenantId, key)
    const now = this.clock.now()
    if (!row) return { key, state: 'unknown' }
    const base = { key, createdAt: row.createdAt, method: row.method, route: row.route }
    if (row.state === 'expired' || row.expiresAt <= now) return { ...base, state: 'expired', expiredAt: row.expiresAt }
    if (row.state === 'in_progress') return { ...base, state: 'in_progress' }
    return {
      ...base,
      state: 'completed',
      completedAt: row.completedAt ?? row.createdAt,
      expiresAt: row.expiresAt,
      responseStatus: row.responseStatus ?? 200,
    }
  }

  /** The purge job: expired keys lose their stored response, and their tombstones go after a week. */
  async purgeExpired(): Promise<{ expired: number; deleted: number }> {
    const now = this.clock.now()
    return this.db.transaction(async (tx) => ({
      expired: await records.expire(tx, now),
      deleted: await records.deleteExpiredBefore(tx, new Date(now.getTime() - IDEMPOTENCY_TOMBSTONE_MS)),
    }))
  }
}

const replayOf = (row: records.IdempotencyRow): ClaimOutcome & { type: 'replay' } => ({
  type: 'replay',
  status: row.responseStatus ?? 200,
  headers: row.responseHeaders ?? {},
  body: row.responseBody ?? '',
})

const claimed = (row: records.IdempotencyRow): ClaimOutcome => ({
  type: 'claimed',
  claim: { tenantId: row.tenantId, key: row.key, claimToken: row.claimToken },
})

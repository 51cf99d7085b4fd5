import { createHash } from 'node:crypto'
import { canonicalJson } from '../idempotency/fingerprint.js'
import { BusinessRuleError } from '../shared/errors.js'

export const ADDON_STATUSES = ['PENDING', 'ACTIVE', 'CANCELLED', 'EXPIRED'] as const
/** PENDING: scheduled or being provisioned; ACTIVE: in use and billable; CANCELLED / EXPIRED: ended. */
export type AddonStatus = (typeof ADDON_STATUSES)[number]

/** An add-on still attached to its subscription (what change and cancel act on, and what counts towards a limit). */
export const ATTACHED: readonly AddonStatus[] = ['PENDING', 'ACTIVE']
export const isAttached = (status: AddonStatus): boolean => ATTACHED.includes(status)

/**
 * The network provider's side of an add-on, when the tenant has one (services/provisioning).
 * `operation` is what the provider is asked to do and `state` how far that got: PENDING (a job is
 * asking, `attempts` and `lastError` show its tries), PROVISIONED (done; the package id became the
 * add-on's reference), DEPROVISIONED (the provider removed it), FAILED (given up; an operator may
 * retry).
 */
export interface Provisioning {
  state: ProvisioningState
  operation: ProvisioningOperation
  attempts: number
  lastError: string | null
  providerPackageId: string | null
  updatedAt: string
  /** Internal: the offering a DEPROVISION removes (after an offering change, no longer the add-on's). */
  productOfferingId?: string
  /** Internal: this DEPROVISION is the first half of an offering change; PROVISION the new offering after it. */
  reprovision?: boolean
}

export const PROVISIONING_STATES = ['PENDING', 'PROVISIONED', 'DEPROVISIONED', 'FAILED'] as const
export type ProvisioningState = (typeof PROVISIONING_STATES)[number]
export const PROVISIONING_OPERATIONS = ['PROVISION', 'DEPROVISION'] as const
export type ProvisioningOperation = (typeof PROVISIONING_OPERATIONS)[number]

/** What the wire and events show of it: the internal fields stay inside. */
export type ProvisioningView = Pick<
  Provisioning,
  'state' | 'operation' | 'attempts' | 'lastError' | 'providerPackageId'
>

export const provisioningView = (p: Provisioning): ProvisioningView => ({
  state: p.state,
  operation: p.operation,
  attempts: p.attempts,
  lastError: p.lastError,
  providerPackageId: p.providerPackageId,
})

/** A fresh operation: nothing tried yet. */
export function startOperation(
  operation: ProvisioningOperation,
  now: Date,
  from: Provisioning | null,
  extra: Pick<Provisioning, 'productOfferingId' | 'reprovision'> = {},
): Provisioning {
  return {
    state: 'PENDING',
    operation,
    attempts: 0,
    lastError: null,
    providerPackageId: from?.providerPackageId ?? null,
    updatedAt: now.toISOString(),
    ...extra,
  }
}

/**
 * Whether a job for `operation` still has work on this add-on: the operation is the current one
 * and PENDING, and (to provision) the add-on is still attached. Jobs check it before calling the
 * provider and again, under the row lock, before recording what it answered.
 */
export function awaits(
  addon: { status: AddonStatus; provisioning: Provisioning | null },
  operation: ProvisioningOperation,
): boolean {
  const p = addon.provisioning
  return (
    p !== null &&
    p.state === 'PENDING' &&
    p.operation === operation &&
    (operation === 'DEPROVISION' || isAttached(addon.status))
  )
}

/** Who added or ended an add-on: the actor of the request (or of the scheduled change) that did it. */
export interface AuditActor {
  type: string
  id: string
  /** The API key's label, a token's audience, or the system job. */
  label: string
  /** The end user behind a token (its subject or e-mail), when known. */
  user: string | null
}

export const auditActor = (actor: { type: string; id: string; label: string; user?: string | null }): AuditActor => ({
  type: actor.type,
  id: actor.id,
  label: actor.label,
  user: actor.user ?? null,
})

/** Ids other systems know an add-on by (the V2 API's `legacy_id`, provider ids, …), as they sent them. */
export type ExternalIds = Record<string, string | number>

/**
 * The fingerprint of an add request, kept on the add-on: adding again with the same client-chosen
 * id must be the same request (same subscription and the same input as sent, key order aside).
 */
export function addRequestHash(
  subscriptionId: string,
  input: {
    productOfferingId: string
    scheduledAt?: string
    startAt?: Date
    referenceId?: string
    metadata?: Record<string, unknown>
    externalIds?: ExternalIds
  },
): string {
  const { productOfferingId, scheduledAt, startAt, referenceId, metadata, externalIds } = input
  const request = {
    subscriptionId,
    productOfferingId,
    scheduledAt,
    startAt: startAt?.toISOString(),
    referenceId,
    metadata,
    externalIds,
  }
  return createHash('sha256').update(canonicalJson(request)).digest('hex')
}

export interface AddonCandidate {
  subscriptionAddonId: string
  productOfferingId: string
  groupId: string | null
  status: AddonStatus
}

/**
 * Which attached add-on a change or cancel means (seed 001/002 and the reference): the one named by
 * `subscriptionAddonId`; else the one on `productOfferingId` (the seed's way); else, for a change,
 * the single one in the new offering's group. None is a 422 `addon.not_found`; several a 422
 * `addon.ambiguous` listing them, so the client can name one.
 */
export function pickAddon(
  attached: readonly AddonCandidate[],
  by: { subscriptionAddonId?: string; productOfferingId?: string; groupId?: string | null },
): AddonCandidate {
  let candidates: readonly AddonCandidate[]
  if (by.subscriptionAddonId) candidates = attached.filter((a) => a.subscriptionAddonId === by.subscriptionAddonId)
  else if (by.productOfferingId) candidates = attached.filter((a) => a.productOfferingId === by.productOfferingId)
  else if (by.groupId) candidates = attached.filter((a) => a.groupId === by.groupId)
  else candidates = []
  if (candidates.length === 1) return candidates[0] as AddonCandidate
  const named = by.subscriptionAddonId ?? by.productOfferingId ?? by.groupId ?? ''
  if (candidates.length === 0) {
    throw new BusinessRuleError('addon.not_found', `No attached add-on matches '${named}' on this subscription.`, {
      match: by,
    })
  }
  throw new BusinessRuleError(
    'addon.ambiguous',
    `Several attached add-ons match '${named}': name one with subscriptionAddonId.`,
    {
      candidates: candidates.map(({ subscriptionAddonId, productOfferingId, status }) => ({
        subscriptionAddonId,
        productOfferingId,
        status,
      })),
    },
  )
}

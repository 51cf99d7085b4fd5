import type { Offering } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView } from '../../domain/catalog/views.js'
import { embeddedOfferingView } from '../../domain/catalog/views.js'
import { currentPeriod, toLocalDate } from '../../domain/scheduling/calendar.js'
import type { PortingSummary } from '../../domain/porting/port-in.js'
import { isLive } from '../../domain/porting/port-in.js'
import type { SubscriptionStatus } from '../../domain/subscriptions/status.js'
import type { Tenant } from '../../domain/access/tenant.js'
import type { Executor } from '../../persistence/database.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { SimDetails } from '../../persistence/schema/subscriptions.js'
import type { CatalogService } from '../catalog.service.js'
import type { EmbeddedCustomerView, EmbeddedSubscriberView, PartyService } from '../party.service.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import { SUBSCRIPTION_TARGET, STATUS_AFTER } from './subscription-kinds.js'

export interface PendingProductOfferingView extends EmbeddedOfferingView {
  scheduledAt: string
}

/** The Connect API's Subscription, as the wire shows it (and as events snapshot it). */
export interface SubscriptionView {
  subscriptionId: string
  status: SubscriptionStatus
  type: string
  display: string | null
  msisdn: string | null
  customerId: string
  customer: EmbeddedCustomerView
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  subscriberId: string | null
  subscriber: EmbeddedSubscriberView | null
  sim: SimDetails
  extensions: Record<string, unknown>
  pendingStatus: { status: SubscriptionStatus; scheduledAt: string } | null
  pendingProductOffering: PendingProductOfferingView | null
  /** A number change to come: a scheduled one, or the number a live port-in brings (its date null until the donor agrees one). */
  pendingMsisdn: { msisdn: string; scheduledAt: string | null } | null
  porting: PortingSummary | null
  /** Openline's addition: the cycle renewals and NEXT_RENEWAL changes follow. */
  billingCycle: { anchorDate: string; currentPeriodStart: Date; nextRenewalAt: Date } | null
  cancellation: { reason: string; comment: string | null } | null
  activatedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
  updatedAt: Date
  referenceId: string | null
  metadata: Record<string, unknown>
}

/** The port-in summaries of these subscriptions, by subscription id (from the porting area). */
export type PortingLookup = (
  ex: Executor,
  tenant: Tenant,
  subscriptionIds: string[],
) => Promise<Map<string, PortingSummary>>

/**
 * Renders subscription rows with what other areas own (offering, customer, subscriber) and the
 * pending changes, batched: one lookup per distinct offering, customer and subscriber on a page.
 */
export class SubscriptionViews {
  constructor(
    private readonly catalog: CatalogService,
    private readonly parties: PartyService,
    private readonly scheduling: SchedulingService,
    private readonly porting: PortingLookup,
  ) {}

  async one(
    ex: Executor,
    tenant: Tenant,
    row: SubscriptionRow,
    now: Date,
    loaded: LoadedForView = {},
  ): Promise<SubscriptionView> {
    const [view] = await this.many(ex, tenant, [row], now, loaded)
    return view as SubscriptionView
  }

  async many(
    ex: Executor,
    tenant: Tenant,
    rows: SubscriptionRow[],
    now: Date,
    loaded: LoadedForView = {},
  ): Promise<SubscriptionView[]> {
    if (rows.length === 0) return []
    const pending =
      loaded.pending ??
      (await this.scheduling.pending(
        ex,
        tenant.id,
        SUBSCRIPTION_TARGET,
        rows.map((r) => r.id),
      ))
    const offeringIds = new Set(rows.map((r) => r.productOfferingId))
    for (const change of pending)
      if (change.kind === 'change_product_offering') offeringIds.add(String(change.payload.productOfferingId))
    const offerings = await this.catalog.offeringsById(ex, tenant.id, offeringIds, loaded.offerings)
    const embedded = loaded.embedded
    const { customers, subscribers, porting } =
      embedded && rows.every((r) => embedded.has(r.id))
        ? fromEmbedded(rows, embedded)
        : await this.readEmbedded(ex, tenant, rows)
    return rows.map((row) =>
      render(row, {
        porting: porting.get(row.id) ?? null,
        tenant,
        now,
        offering: offerings.get(row.productOfferingId) as Offering,
        offerings,
        customer: customers.get(row.customerId) as EmbeddedCustomerView,
        subscriber: row.subscriberId ? (subscribers.get(row.subscriberId) ?? null) : null,
        pending: pending.filter((c) => c.targetId === row.id),
      }),
    )
  }

  /** What the rows embed of other areas: their customers, subscribers and port-ins (one statement each). */
  private async readEmbedded(ex: Executor, tenant: Tenant, rows: SubscriptionRow[]): Promise<EmbeddedOf> {
    const customers = await this.parties.embeddedCustomers(
      ex,
      tenant.id,
      rows.map((r) => r.customerId),
    )
    const subscribers = await this.parties.embeddedSubscribers(
      ex,
      tenant.id,
      rows.map((r) => r.subscriberId).filter((s): s is string => s !== null),
    )
    const porting = await this.porting(
      ex,
      tenant,
      rows.map((r) => r.id),
    )
    return { customers, subscribers, porting }
  }
}

/**
 * What the caller already read in this transaction, not read again: the pending changes of exactly
 * the rows rendered (as they are now), and offerings.
 */
export interface LoadedForView {
  pending?: readonly ScheduledChange[]
  offerings?: Iterable<Offering>
  /** What each row embeds, by subscription id, read with its lock (SubscriptionService.lockForView). */
  embedded?: ReadonlyMap<string, EmbeddedParts>
}

/** What one subscription embeds of other areas. */
export interface EmbeddedParts {
  customer: EmbeddedCustomerView
  subscriber: EmbeddedSubscriberView | null
  porting: PortingSummary | null
}

interface EmbeddedOf {
  customers: Map<string, EmbeddedCustomerView>
  subscribers: Map<string, EmbeddedSubscriberView>
  porting: Map<string, PortingSummary>
}

function fromEmbedded(rows: SubscriptionRow[], embedded: ReadonlyMap<string, EmbeddedParts>): EmbeddedOf {
  const out: EmbeddedOf = { customers: new Map(), subscribers: new Map(), porting: new Map() }
  for (const row of rows) {
    const parts = embedded.get(row.id) as EmbeddedParts
    out.customers.set(row.customerId, parts.customer)
    if (row.subscriberId && parts.subscriber) out.subscribers.set(row.subscriberId, parts.subscriber)
    if (parts.porting) out.porting.set(row.id, parts.porting)
  }
  return out
}

interface RenderInput {
  porting: PortingSummary | null
  tenant: Tenant
  now: Date
  offering: Offering
  offerings: Map<string, Offering>
  customer: EmbeddedCustomerView
  subscriber: EmbeddedSubscriberView | null
  pending: readonly ScheduledChange[]
}

function render(row: SubscriptionRow, input: RenderInput): SubscriptionView {
  const zone = input.tenant.timeZone
  const date = (at: Date) => toLocalDate(at, zone)
  const status = input.pending.find((c) => c.kind in STATUS_AFTER)
  const plan = input.pending.find((c) => c.kind === 'change_product_offering')
  const msisdn = input.pending.find((c) => c.kind === 'change_msisdn')
  const porting = input.porting
  const cycle = input.offering.price.billingCycle
  const anchor = row.billingAnchorAt
  const period =
    cycle && anchor && row.status !== 'CANCELLED' && input.now >= anchor
      ? currentPeriod(anchor, cycle, input.now, zone)
      : null
  return {
    subscriptionId: row.id,
    status: row.status,
    type: row.type,
    display: row.display,
    msisdn: row.msisdn,
    customerId: row.customerId,
    customer: input.customer,
    productOfferingId: row.productOfferingId,
    productOffering: embeddedOfferingView(input.offering),
    subscriberId: row.subscriberId,
    subscriber: input.subscriber,
    sim: row.sim,
    extensions: row.extensions,
    pendingStatus: status
      ? { status: STATUS_AFTER[status.kind as keyof typeof STATUS_AFTER], scheduledAt: date(status.effectiveAt) }
      : null,
    pendingProductOffering: plan
      ? {
          scheduledAt: date(plan.effectiveAt),
          ...embeddedOfferingView(input.offerings.get(String(plan.payload.productOfferingId)) as Offering),
        }
      : null,
    pendingMsisdn: msisdn
      ? { msisdn: String(msisdn.payload.msisdn), scheduledAt: date(msisdn.effectiveAt) }
      : porting && isLive(porting.status)
        ? { msisdn: porting.msisdn, scheduledAt: porting.scheduledAt }
        : null,
    porting,
    billingCycle:
      period && anchor
        ? { anchorDate: date(anchor), currentPeriodStart: period.start, nextRenewalAt: period.end }
        : null,
    cancellation: row.cancellation,
    activatedAt: row.activatedAt,
    cancelledAt: row.cancelledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    referenceId: row.referenceId,
    metadata: row.metadata,
  }
}

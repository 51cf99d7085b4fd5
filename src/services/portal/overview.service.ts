import type { OrderStatus } from '../../domain/orders/inputs.js'
import type { Executor } from '../../persistence/database.js'
import type { SearchHit } from '../../persistence/repositories/portal-overview.repository.js'
import * as overview from '../../persistence/repositories/portal-overview.repository.js'
import type { RequestContext } from '../context.js'

/** Orders that are in the operator's court or in flight: submitted and not finished. */
export const WAITING_ORDER_STATUSES: OrderStatus[] = ['PENDING_PAYMENT', 'SUBMITTED', 'PENDING_APPROVAL', 'PROCESSING']
const WEEK_MS = 7 * 24 * 60 * 60 * 1000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** ICCIDs are 18 to 22 digits and start with 89 (ITU-T E.118). */
const ICCID = /^89\d{16,20}$/
/** A phone number as people write it: digits with spaces, dashes, dots, brackets and a leading +. */
const PHONE = /^\+?[\d\s().-]{6,}$/

export interface Home {
  subscriptionsByStatus: { status: string; n: number }[]
  ordersWaiting: number
  addonsPendingProvisioning: number
  failingEndpoints: number
  changesDue: number
  latestEvents: Awaited<ReturnType<typeof overview.latestEvents>>
}

/** What the portal's home page and search box read; a bounded number of statements each. */
export class PortalOverviewService {
  constructor(private readonly db: Executor) {}

  /** Three statements: subscriptions by status, the other counts, the latest ten events. */
  async home(ctx: RequestContext): Promise<Home> {
    const now = ctx.clock.now()
    const [counts, latest] = await Promise.all([
      overview.homeCounts(this.db, ctx.tenant.id, now, new Date(now.getTime() + WEEK_MS), WAITING_ORDER_STATUSES),
      overview.latestEvents(this.db, ctx.tenant.id, 10),
    ])
    return { ...counts, latestEvents: latest }
  }

  /**
   * Finds what the search box names: a UUID or `rid_` reference (subscriptions, customers,
   * orders), an ICCID, a phone number in any format (matched on its digits, so `202 555 0100`
   * finds `+12025550100`), else customers by name or e-mail. At most three statements.
   */
  async search(ctx: RequestContext, input: string): Promise<SearchHit[]> {
    const q = input.trim()
    const tenantId = ctx.tenant.id
    if (q.length === 0) return []
    if (UUID.test(q)) return overview.byIdOrReference(this.db, tenantId, { id: q.toLowerCase() })
    if (q.startsWith('rid_') && q.length > 4)
      return overview.byIdOrReference(this.db, tenantId, { reference: q.slice(4) })
    const digits = q.replace(/\D/g, '')
    if (ICCID.test(q.replace(/\s/g, ''))) return overview.subscriptionsByIccid(this.db, tenantId, digits)
    if (PHONE.test(q) && digits.length >= 6) return overview.subscriptionsByNumber(this.db, tenantId, digits)
    return overview.customersByText(this.db, tenantId, q)
  }
}

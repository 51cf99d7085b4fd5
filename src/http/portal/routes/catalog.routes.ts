import { Type } from 'typebox'
import { TOP_UP_CATEGORY } from '../../../domain/catalog/offering.js'
import type { OfferingFilter } from '../../../services/catalog.service.js'
import type { App } from '../../types.js'
import { formatMoney } from '../format.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page } from '../page.js'
import { pager, tablePage } from '../table.js'

/** The catalog's tabs: which offerings each one lists. Top-ups are add-ons of their own category. */
const KINDS = {
  plans: { label: 'Plans', filter: { types: ['SUBSCRIPTION'] } },
  addons: { label: 'Add-ons', filter: { types: ['SUBSCRIPTION_ADDON'], excludeCategories: [TOP_UP_CATEGORY] } },
  licenses: { label: 'Licenses', filter: { types: ['LICENSE'] } },
  topups: { label: 'Top-ups', filter: { types: ['SUBSCRIPTION_ADDON'], categories: [TOP_UP_CATEGORY] } },
} satisfies Record<string, { label: string; filter: OfferingFilter }>
type Kind = keyof typeof KINDS

const Query = Type.Object({
  kind: Type.Optional(Type.Union(Object.keys(KINDS).map((k) => Type.Literal(k)))),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

/** The catalog, read-only: offerings of one kind in list order (by group, then rank), with prices and change rules. */
export async function catalogRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/catalog', { schema: { querystring: Query } }, async (req, reply) => {
    const kind = (req.query.kind ?? 'plans') as Kind
    const result = await deps.catalog.offeringPage(req.ctx.tenant.id, KINDS[kind].filter, tablePage(req.query))
    const rows = result.items.map((o) => ({
      ...o,
      priceText:
        formatMoney(o.price.netPrice, o.price.currency) +
        (o.price.billingCycle ? ` every ${o.price.billingCycle.interval} ${o.price.billingCycle.period}` : '') +
        (o.price.priceType === 'RECURRING' ? '' : ` (${o.price.priceType})`),
      grossText: o.price.discount ? formatMoney(o.price.grossPrice, o.price.currency) : '',
      groupName: o.group?.name ?? '',
    }))
    return page(req, reply, 'catalog', {
      title: `Catalog: ${KINDS[kind].label}`,
      kind,
      tabs: Object.entries(KINDS).map(([name, k]) => ({
        href: `/portal/catalog?kind=${name}`,
        label: k.label,
        current: name === kind,
      })),
      rows,
      pager: pager('/portal/catalog', { kind }, result),
    })
  })
}

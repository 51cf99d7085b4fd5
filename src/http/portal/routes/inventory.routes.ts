import { Type } from 'typebox'
import type { NumberStatus } from '../../../domain/inventory/numbers.js'
import { NUMBER_STATUSES } from '../../../domain/inventory/numbers.js'
import type { SimStatus } from '../../../domain/inventory/sims.js'
import { SIM_STATUSES } from '../../../domain/inventory/sims.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page } from '../page.js'
import { pager, tablePage } from '../table.js'
import { formKey } from '../forms.js'
import { roleAllows } from '../../../domain/operators/roles.js'
import { MAX_IMPORT_FILE_BYTES } from '../../../services/inventory/inventory-import.service.js'

const Query = Type.Object({
  what: Type.Optional(Type.Union([Type.Literal('numbers'), Type.Literal('sims')])),
  status: Type.Optional(
    Type.Union([Type.Literal(''), ...[...new Set([...NUMBER_STATUSES, ...SIM_STATUSES])].map((s) => Type.Literal(s))]),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

/** A total through the API's offset mode (which answers with its count), one row read. */
const COUNT_ONLY = pageRequest({ limit: 1, offset: 0 })

/** Inventory: numbers and SIMs counted by status (one count per status), and a paged list of either. */
export async function inventoryRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/inventory', { schema: { querystring: Query } }, async (req, reply) => {
    const what = req.query.what ?? 'numbers'
    const statuses: readonly string[] = what === 'numbers' ? NUMBER_STATUSES : SIM_STATUSES
    const status = req.query.status && statuses.includes(req.query.status) ? req.query.status : undefined
    const [numberCounts, simCounts] = await Promise.all([
      Promise.all(
        NUMBER_STATUSES.map(async (s) => ({
          status: s,
          n: (await deps.numberPool.list(req.ctx, { statuses: [s] }, COUNT_ONLY)).pagination.total ?? 0,
        })),
      ),
      Promise.all(
        SIM_STATUSES.map(async (s) => ({
          status: s,
          n: (await deps.sims.list(req.ctx, { statuses: [s] }, COUNT_ONLY)).pagination.total ?? 0,
        })),
      ),
    ])
    const filter = status ? { statuses: [status] } : {}
    const result =
      what === 'numbers'
        ? await deps.numberPool.list(req.ctx, filter as { statuses?: NumberStatus[] }, tablePage(req.query))
        : await deps.sims.list(req.ctx, filter as { statuses?: SimStatus[] }, tablePage(req.query))
    return page(req, reply, 'inventory', {
      title: 'Inventory',
      what,
      status: status ?? '',
      statuses,
      numberCounts,
      simCounts,
      rows: result.items,
      pager: pager('/portal/inventory', { what, status }, result),
      // The CSV import (inventory-import.routes.ts), for admins.
      canImport: req.portal !== null && roleAllows(req.portal.role, 'admin'),
      importKey: formKey(),
      importLimitMb: MAX_IMPORT_FILE_BYTES / (1024 * 1024),
    })
  })
}

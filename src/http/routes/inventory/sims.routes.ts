import { pageRequest } from '../../../domain/shared/paging.js'
import type { SimService } from '../../../services/inventory/sim.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { IMPORT_BODY_LIMIT } from './numbers.routes.js'
import { ImportResult } from './numbers.schemas.js'
import { ImportSimsBody, Sim, SimListQuery, SimPage, SimParams, SimPuk } from './sims.schemas.js'

const tags = ['inventory']
const same = <T>(value: T) => value

/** SIM cards: operators import and list them (admin); anyone with read sees one; PUKs need `sims:puk`. */
export async function simRoutes(app: App, { sims }: { sims: SimService }): Promise<void> {
  app.post(
    '/inventory/sims/import',
    {
      config: { scope: 'admin' },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        operationId: 'importSims',
        tags,
        summary: 'Import SIM cards',
        description:
          'Adds up to 10 000 SIMs (body up to 4 MiB). ICCIDs the inventory already has are skipped and counted. An eSIM needs its activation code (`lpa`). ' +
          'If any row is bad nothing is imported, and every bad row is listed with its path. `openline sims import` does the same from a CSV or JSON file.',
        body: ImportSimsBody,
        response: { 200: ImportResult, ...problemResponses(403, 413) },
      },
    },
    (req, reply) => respond(req, reply, 200, same, () => sims.importSims(req.ctx, req.body.sims)),
  )

  app.get(
    '/inventory/sims',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'listSims',
        tags,
        summary: 'List SIM cards',
        querystring: SimListQuery,
        response: { 200: SimPage, ...problemResponses(403) },
      },
    },
    async (req) =>
      sims.list(
        req.ctx,
        { ...(req.query.status && { statuses: req.query.status }), ...(req.query.type && { types: req.query.type }) },
        pageRequest(req.query),
      ),
  )

  app.get(
    '/inventory/sims/:iccid',
    {
      schema: {
        operationId: 'getSim',
        tags,
        summary: 'Get a SIM card',
        description:
          'The SIM with its eSIM profile state. PUKs are not part of it: see `GET /inventory/sims/{iccid}/puk`.',
        params: SimParams,
        response: { 200: Sim, ...problemResponses(403, 404) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return sims.get(req.ctx, req.params.iccid)
    },
  )

  app.get(
    '/inventory/sims/:iccid/puk',
    {
      config: { scope: 'sims:puk' },
      schema: {
        operationId: 'getSimPuk',
        tags,
        summary: "Get a SIM card's PUK codes",
        description:
          'Only for keys with the `sims:puk` scope. Every read is recorded as a `sim.puk_viewed` event naming the key. Not cacheable.',
        params: SimParams,
        response: { 200: SimPuk, ...problemResponses(403, 404) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return sims.viewPuk(req.ctx, req.params.iccid)
    },
  )
}

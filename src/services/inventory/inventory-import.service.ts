import type { FieldError } from '../../domain/shared/errors.js'
import { InvalidInputError, NotFoundError } from '../../domain/shared/errors.js'
import type { Executor } from '../../persistence/database.js'
import * as imports from '../../persistence/repositories/inventory-import.repository.js'
import type { InventoryImportRow } from '../../persistence/repositories/inventory-import.repository.js'
import type { InventoryImportProblem, InventoryImportState } from '../../persistence/schema/index.js'
import type { RequestContext } from '../context.js'
import type { ImportFile } from './inventory-file.js'
import { parseNumbersText, parseSimsText } from './inventory-file.js'
import type { NumberPoolService } from './number-pool.service.js'
import type { ImportResult } from './number-views.js'
import type { SimService } from './sim.service.js'

/** The largest file the portal takes (the CLI reads any size from disk). */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024
/** Problems kept for the report; the count says how many there were in all. */
const REPORTED_PROBLEMS = 500
/** A value longer than this is cut in the report. */
const VALUE_CHARS = 200
/** Still running after this long: the process that ran it stopped (the import was one transaction, so nothing was written). */
const INTERRUPTED_AFTER_MS = 15 * 60_000

export type InventoryImportKind = 'numbers' | 'sims'

export interface InventoryImportView {
  id: string
  kind: InventoryImportKind
  fileName: string
  state: InventoryImportState | 'interrupted'
  total: number
  imported: number
  skipped: number
  errorCount: number
  errors: InventoryImportProblem[]
  createdBy: string
  createdAt: Date
  updatedAt: Date
}

/**
 * Inventory files sent from the portal: parsed as `openline numbers import` / `openline sims import`
 * parse theirs and imported through the same service calls (one transaction; any bad row and
 * nothing is written; rows the tenant has are skipped), with a row per file that any process can
 * read: running, then its counts or its problems, row by row.
 */
export class InventoryImportService {
  constructor(
    private readonly db: Executor,
    private readonly numberPool: NumberPoolService,
    private readonly sims: SimService,
  ) {}

  /**
   * Imports `content` under the new import `id` and answers how it went. The import's own row is
   * marked succeeded in the import's transaction (with `ctx.idempotency`'s record, when it has one);
   * a file the service refuses is recorded as failed with its problems, and answered, not thrown.
   */
  async importFile(
    ctx: RequestContext,
    input: { id: string; kind: InventoryImportKind; fileName: string; content: string },
  ): Promise<InventoryImportView> {
    const now = ctx.clock.now()
    const row: InventoryImportRow = {
      tenantId: ctx.tenant.id,
      id: input.id,
      kind: input.kind,
      fileName: input.fileName,
      state: 'running',
      total: 0,
      imported: 0,
      skipped: 0,
      errorCount: 0,
      errors: [],
      createdBy: ctx.actor.label,
      createdAt: now,
      updatedAt: now,
    }
    let file: ImportFile
    try {
      file = (input.kind === 'numbers' ? parseNumbersText : parseSimsText)(input.content, input.fileName)
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error
      await imports.insertImport(this.db, { ...row, state: 'failed', ...problemsOf(error) })
      return this.get(ctx, input.id)
    }
    await imports.insertImport(this.db, { ...row, total: file.rows.length })
    const finishing: RequestContext = {
      ...ctx,
      idempotency: {
        recordInTransaction: async (tx, result) => {
          const { imported, skipped } = result as ImportResult
          await imports.finishImport(tx, ctx.tenant.id, input.id, {
            state: 'succeeded',
            imported,
            skipped,
            errorCount: 0,
            errors: [],
            updatedAt: ctx.clock.now(),
          })
          await ctx.idempotency?.recordInTransaction(tx, result)
        },
      },
    }
    try {
      const options = { pathOf: file.pathOf }
      if (input.kind === 'numbers') await this.numberPool.importNumbers(finishing, file.rows, options)
      else await this.sims.importSims(finishing, file.rows, options)
    } catch (error) {
      const refused = error instanceof InvalidInputError
      await imports.finishImport(this.db, ctx.tenant.id, input.id, {
        state: 'failed',
        imported: 0,
        skipped: 0,
        ...(refused
          ? problemsOf(error, file)
          : { errorCount: 1, errors: [wholeFile('The import stopped on an unexpected error; nothing was imported.')] }),
        updatedAt: ctx.clock.now(),
      })
      if (!refused) throw error
    }
    return this.get(ctx, input.id)
  }

  /** One of the tenant's imports; another tenant's is not found. */
  async get(ctx: RequestContext, id: string): Promise<InventoryImportView> {
    const row = await imports.findImport(this.db, ctx.tenant.id, id)
    if (!row) throw new NotFoundError('inventory_import', id)
    const stopped =
      row.state === 'running' && ctx.clock.now().getTime() - row.createdAt.getTime() > INTERRUPTED_AFTER_MS
    const { tenantId: _tenantId, ...view } = row
    return { ...view, state: stopped ? 'interrupted' : row.state }
  }
}

const wholeFile = (reason: string): InventoryImportProblem => ({ line: null, field: null, value: null, reason })

/** A refusal as the report's rows: where (line, field), the value found there, and why. */
function problemsOf(error: InvalidInputError, file?: ImportFile): Pick<InventoryImportRow, 'errorCount' | 'errors'> {
  if (error.fieldErrors.length === 0) return { errorCount: 1, errors: [wholeFile(error.message)] }
  const positions = new Map(file?.rows.map((_, index) => [file.pathOf(index), index]))
  const shown = error.fieldErrors.slice(0, REPORTED_PROBLEMS).map((e) => problemOf(e, positions, file))
  return { errorCount: error.fieldErrors.length, errors: shown }
}

/** `/line/5/msisdn` (CSV), `/3/type` or `/numbers/3/type` (JSON). */
const PATH = /^(?:\/line\/(\d+)|(?:\/(?:numbers|sims))?\/(\d+))(?:\/(.+))?$/

function problemOf(error: FieldError, positions: Map<string, number>, file?: ImportFile): InventoryImportProblem {
  const match = PATH.exec(error.path)
  if (!match) return wholeFile(`${error.path} ${error.message}`)
  const [, csvLine, item, field] = match
  const rowPath = field ? error.path.slice(0, -(field.length + 1)) : error.path
  const index = positions.get(rowPath)
  const row = index === undefined ? undefined : file?.rows[index]
  const raw = field && typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[field] : undefined
  const text = raw === undefined ? null : typeof raw === 'string' ? raw : JSON.stringify(raw)
  return {
    line: csvLine ? Number(csvLine) : Number(item) + 1,
    field: field ?? null,
    value: text === null ? null : text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text,
    reason: error.message,
  }
}

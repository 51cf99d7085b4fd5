import multipart from '@fastify/multipart'
import type { MultipartFile } from '@fastify/multipart'
import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../../../domain/shared/errors.js'
import { isUuid, newId } from '../../../domain/shared/ids.js'
import type { InventoryImportView } from '../../../services/inventory/inventory-import.service.js'
import { MAX_IMPORT_FILE_BYTES } from '../../../services/inventory/inventory-import.service.js'
import type { App } from '../../types.js'
import { FORM_FIELDS, formAction } from '../forms.js'
import { page } from '../page.js'
import type { PortalDeps } from '../portal.plugin.js'

const Params = Type.Object({ id: Type.String({ maxLength: 100 }) })
const MEGABYTES = MAX_IMPORT_FILE_BYTES / (1024 * 1024)

/** An uploaded file as the multipart parser leaves it in the body. */
interface Upload {
  fileName: string
  content: Buffer
}

/**
 * The inventory page's CSV import (admin): the upload (multipart, parsed in this context only, with
 * one file of at most 5 MB), the import's page with its progress, and the progress fragment that
 * page polls (htmx, every second) until the import is done.
 */
export async function inventoryImportRoutes(app: App, deps: PortalDeps): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024, fieldNameSize: 100 },
    onFile: async (part) => {
      ;(part as MultipartFile & { value?: Upload }).value = { fileName: part.filename, content: await readUpload(part) }
    },
  })

  app.post('/inventory/import', { config: { portalRole: 'admin' } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const kind = body.what
    if (kind !== 'numbers' && kind !== 'sims')
      throw new InvalidInputError('request.validation_failed', 'Choose what the file holds: numbers or SIMs.', {}, [
        { path: '/body/what', message: "must be 'numbers' or 'sims'" },
      ])
    const file = body.file as Upload | undefined
    if (!file || !Buffer.isBuffer(file.content) || file.content.length === 0)
      throw new InvalidInputError('request.validation_failed', 'Choose a file to import; it must not be empty.', {}, [
        { path: '/body/file', message: 'must be a non-empty file' },
      ])
    const id = newId()
    const fileName = file.fileName || 'upload.csv'
    // What the form asked for, as plain fields: the same form sent twice has the same fingerprint.
    req.body = {
      [FORM_FIELDS.csrf]: body[FORM_FIELDS.csrf],
      [FORM_FIELDS.idempotency]: body[FORM_FIELDS.idempotency],
      what: kind,
      fileName,
      file: createHash('sha256').update(file.content).digest('hex'),
    }
    await formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) => deps.inventoryImports.importFile(ctx, { id, kind, fileName, content: file.content.toString('utf8') }),
      () => `/portal/inventory/imports/${id}`,
    )
  })

  app.get(
    '/inventory/imports/:id',
    { schema: { params: Params }, config: { portalRole: 'admin' } },
    async (req, reply) => {
      const entry = await find(deps, req.ctx, req.params.id)
      return page(req, reply, 'inventory-import', { title: `Import of ${noun(entry)}`, entry, noun: noun(entry) })
    },
  )

  // The fragment the import page polls; it stops polling (no hx-trigger) once the import is done.
  app.get(
    '/inventory/imports/:id/status',
    { schema: { params: Params }, config: { portalRole: 'admin' } },
    async (req, reply) => {
      const entry = await find(deps, req.ctx, req.params.id)
      return page(req, reply, 'partials/inventory-import-status', { title: 'Import', entry, noun: noun(entry) })
    },
  )
}

const noun = (entry: InventoryImportView): string => (entry.kind === 'numbers' ? 'numbers' : 'SIMs')

async function find(deps: PortalDeps, ctx: Parameters<PortalDeps['inventoryImports']['get']>[0], id: string) {
  if (!isUuid(id)) throw new NotFoundError('inventory_import', id)
  return deps.inventoryImports.get(ctx, id.toLowerCase())
}

/** The whole file in memory (it is bounded), or a plain refusal when it is over the limit. */
async function readUpload(part: MultipartFile): Promise<Buffer> {
  try {
    return await part.toBuffer()
  } catch (error) {
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error
    throw new PayloadTooLargeError(
      'request.body_too_large',
      `The file is larger than ${MEGABYTES} MB, the most the portal takes. Nothing was imported: split it into smaller files, or import it with openline numbers import (or sims import).`,
      { limitBytes: MAX_IMPORT_FILE_BYTES },
    )
  }
}

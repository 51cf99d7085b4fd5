import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { fingerprint } from '../../domain/idempotency/fingerprint.js'
import { ConflictError, InvalidInputError } from '../../domain/shared/errors.js'
import type { RequestContext } from '../../services/context.js'
import type { IdempotencyService } from '../../services/idempotency.service.js'

/** Hidden fields every portal form carries; they are not part of what the action is asked to do. */
export const FORM_FIELDS = { csrf: '_csrf', idempotency: '_idem' } as const

/** A fresh idempotency key for a form about to be rendered (`<input type="hidden" name="_idem">`). */
export const formKey = (): string => randomUUID()

/** The fields a form posted, without the hidden CSRF and idempotency ones. */
export function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries((body as Record<string, unknown> | undefined) ?? {}))
    if (name !== FORM_FIELDS.csrf && name !== FORM_FIELDS.idempotency && typeof value === 'string') fields[name] = value
  return fields
}

/**
 * Runs a portal action exactly once per rendered form, through the API's own idempotency records:
 * the form's hidden `_idem` key (stored as `portal:<key>`) is claimed, the service stores the
 * answer (a 303 to `redirectTo(result)`) in its own transaction through `ctx.idempotency`, and a
 * second submission of the same form is sent to the same place without running anything. A
 * refusal releases the key, so the corrected form can be sent again.
 */
export async function formAction<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  idempotency: IdempotencyService,
  run: (ctx: RequestContext) => Promise<T>,
  redirectTo: (result: T) => string,
  /**
   * The first answer, when it is not the redirect: a page that shows a secret once (a new API key,
   * a webhook signing secret). The stored answer stays the redirect, so a second submission of the
   * form lands on the resource's page without the secret.
   */
  firstAnswer?: (result: T) => Promise<void>,
): Promise<void> {
  const raw = (req.body as Record<string, unknown> | undefined)?.[FORM_FIELDS.idempotency]
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200)
    throw new InvalidInputError('idempotency.invalid_key', 'The form is missing its idempotency key. Reload the page.')
  const key = `portal:${raw}`
  const request = fingerprint({
    method: req.method,
    route: req.routeOptions.url ?? req.url,
    params: req.params,
    body: formFields(req.body),
  })
  const outcome = await idempotency.claim(req.ctx.tenant.id, key, request)
  if (outcome.type === 'replay') return seeOther(reply, outcome.headers.location ?? '/portal')
  if (outcome.type === 'key_reused')
    throw new ConflictError(
      'idempotency.key_reused',
      'This form was already sent with other values. Reload the page.',
      {
        differences: outcome.differences,
      },
    )
  if (outcome.type === 'in_progress')
    throw new ConflictError('idempotency.request_in_progress', 'This form is still being processed. Wait a moment.', {
      retryAfterSeconds: outcome.retryAfterSeconds,
    })
  const { claim } = outcome
  let recorded = false
  const answer = (result: T) => ({ status: 303, headers: { location: redirectTo(result) }, body: '' })
  const ctx: RequestContext = {
    ...req.ctx,
    idempotency: {
      recordInTransaction: async (tx, result) => {
        if (!(await idempotency.complete(tx, claim, answer(result as T))))
          throw new ConflictError('idempotency.request_in_progress', 'Another submission of this form took over.')
        recorded = true
      },
    },
  }
  let result: T
  try {
    result = await run(ctx)
  } catch (error) {
    await idempotency.release(claim)
    throw error
  }
  if (!recorded) await idempotency.completeAlone(claim, answer(result))
  if (firstAnswer) return firstAnswer(result)
  return seeOther(reply, redirectTo(result))
}

const seeOther = (reply: FastifyReply, location: string): void =>
  void reply.code(303).header('location', location).send()

import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { formKey } from '../../forms.js'
import { page } from '../../page.js'

export const DEVELOPERS = '/portal/developers'

/** The sections of the Developers area, shown under its heading on each of its pages. */
export const SECTIONS = [
  { href: `${DEVELOPERS}/api-keys`, label: 'API keys' },
  { href: `${DEVELOPERS}/webhooks`, label: 'Webhooks' },
  { href: `${DEVELOPERS}/events`, label: 'Events' },
  { href: `${DEVELOPERS}/idempotency-keys`, label: 'Idempotency keys' },
  { href: `${DEVELOPERS}/jobs`, label: 'Failed jobs' },
]

/** A page of the Developers area: `page()` with the area's navigation (views/developers/nav.eta). */
export const devPage = (
  req: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> & { title: string },
): Promise<void> =>
  page(req, reply, `developers/${template}`, { ...data, sections: SECTIONS, current: req.url.split('?')[0] })

/** The body of a confirmed action: only the hidden fields. */
export const ActionBody = Type.Object({
  _csrf: Type.String({ maxLength: 200 }),
  _idem: Type.String({ maxLength: 200 }),
})

/** Writes in the Developers area need the admin role, as the API's admin scope. */
export const adminOnly = { portalRole: 'admin' } as const

/** A confirmation page for an action: what happens and when, then the form (a fresh `_idem`). */
export const confirmAction = (
  req: FastifyRequest,
  reply: FastifyReply,
  words: { question: string; effect: string; action: string; confirmLabel: string; cancelHref: string },
): Promise<void> => page(req, reply, 'confirm', { title: words.question, ...words, idem: formKey() })

/** The names a form's checkboxes carry (`<prefix><value>`) that were ticked, in the order of `known`. */
export const ticked = (fields: Record<string, string>, prefix: string, known: readonly string[]): string[] =>
  known.filter((value) => fields[`${prefix}${value}`] !== undefined)

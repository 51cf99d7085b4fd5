import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page } from '../page.js'
import { cookieOptions, SESSION_COOKIE, SIGN_IN_COOKIE } from '../security.js'

const SignInQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) })
const SignInBody = Type.Object({
  email: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 1000 }),
  _csrf: Type.String({ maxLength: 200 }),
  next: Type.Optional(Type.String({ maxLength: 2000 })),
})

const MESSAGES = {
  refused: 'The e-mail address or the password is wrong.',
  disabled: 'This operator account is disabled. Ask an administrator to enable it.',
  no_tenant: 'This operator account holds no tenant yet. Ask an administrator to add you to one.',
  rate_limited: 'Too many failed sign-ins for this account or from this address. Wait 15 minutes and try again.',
  csrf: 'The sign-in form expired. Try again.',
} as const

/** Only a path inside the portal: a `next` elsewhere would make the sign-in page an open redirect. */
const safeNext = (next: string | undefined): string =>
  next && next.startsWith('/portal') && !next.startsWith('//') && !next.includes('\\') ? next : '/portal'

/** Sign-in (a double-submit token guards the form before any session exists) and sign-out. */
export async function signInRoutes(app: App, deps: PortalDeps): Promise<void> {
  const form = async (
    req: FastifyRequest,
    reply: FastifyReply,
    options: { next: string; email?: string; message?: string; status?: number },
  ) => {
    const token = randomBytes(24).toString('base64url')
    reply.setCookie(SIGN_IN_COOKIE, token, { ...cookieOptions(req), maxAge: 3600 })
    return page(req, reply, 'sign-in', { title: 'Sign in', signInToken: token, ...options }, options.status)
  }

  app.get('/sign-in', { schema: { querystring: SignInQuery }, config: { portalPublic: true } }, async (req, reply) =>
    form(req, reply, { next: safeNext(req.query.next) }),
  )

  app.post('/sign-in', { schema: { body: SignInBody }, config: { portalPublic: true } }, async (req, reply) => {
    const next = safeNext(req.body.next)
    const cookie = Buffer.from(req.cookies[SIGN_IN_COOKIE] ?? '')
    const given = Buffer.from(req.body._csrf)
    if (cookie.length === 0 || cookie.length !== given.length || !timingSafeEqual(cookie, given))
      return form(req, reply, { next, email: req.body.email, message: MESSAGES.csrf, status: 403 })
    const outcome = await deps.portalSessions.signIn({
      email: req.body.email,
      password: req.body.password,
      address: req.ip,
    })
    if (outcome.type !== 'signed_in') {
      if (outcome.type === 'rate_limited') reply.header('retry-after', String(outcome.retryAfterSeconds))
      const status = outcome.type === 'rate_limited' ? 429 : outcome.type === 'refused' ? 401 : 403
      return form(req, reply, { next, email: req.body.email, message: MESSAGES[outcome.type], status })
    }
    reply.clearCookie(SIGN_IN_COOKIE, cookieOptions(req))
    reply.setCookie(SESSION_COOKIE, outcome.sessionId, cookieOptions(req))
    return reply.code(303).header('location', next).send()
  })

  app.post('/sign-out', { config: { portalRole: 'viewer' } }, async (req, reply) => {
    if (req.portal) await deps.portalSessions.signOut(req.portal)
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req))
    return reply.code(303).header('location', '/portal/sign-in').send()
  })
}

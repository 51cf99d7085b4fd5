import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ForbiddenError } from '../../domain/shared/errors.js'
import type { PortalSession } from '../../services/portal/session.service.js'

/**
 * Every portal answer: no inline script, no inline style, no framing, forms post only to us, and
 * nothing loaded from anywhere else (it works offline).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

export function setSecurityHeaders(reply: FastifyReply): void {
  reply.headers({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  })
}

export const SESSION_COOKIE = 'ol_portal_session'
/** The sign-in form's double-submit token, before any session exists (against login CSRF). */
export const SIGN_IN_COOKIE = 'ol_portal_sign_in'

/** Secure when the request came over https (directly or, with trustProxy, through a proxy). */
export const cookieOptions = (req: FastifyRequest) =>
  ({ path: '/portal', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' }) as const

/** The token every form of a session carries: an HMAC of the session's secret, never the secret itself. */
export const csrfToken = (session: Pick<PortalSession, 'csrfSecret'>): string =>
  createHmac('sha256', session.csrfSecret).update('portal-form').digest('base64url')

/** Refuses a POST whose `_csrf` field is missing or wrong (403 page). */
export function assertCsrf(expected: string, body: unknown): void {
  const given = (body as Record<string, unknown> | undefined)?._csrf
  const a = Buffer.from(typeof given === 'string' ? given : '')
  const b = Buffer.from(expected)
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new ForbiddenError(
      'portal.csrf_failed',
      'This form has expired or did not come from the portal. Reload the page and try again.',
    )
}

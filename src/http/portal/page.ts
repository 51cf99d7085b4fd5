import type { FastifyReply, FastifyRequest } from 'fastify'
import { csrfToken } from './security.js'

/** The pages in the navigation, in order. A page that is built adds itself here. */
export const NAV: { href: string; label: string }[] = [
  { href: '/portal', label: 'Home' },
  { href: '/portal/subscriptions', label: 'Subscriptions' },
  { href: '/portal/orders', label: 'Orders' },
  { href: '/portal/customers', label: 'Customers' },
  { href: '/portal/catalog', label: 'Catalog' },
  { href: '/portal/inventory', label: 'Inventory' },
  { href: '/portal/test-clock', label: 'Test clock' },
  { href: '/portal/developers', label: 'Developers' },
]

/**
 * Renders `views/<template>.eta` inside the shared layout, with what every page needs: the session
 * (operator, tenant, role, the tenants it may switch to), the CSRF token for its forms, the
 * navigation and the search box's current text. Templates escape every `<%= %>` value.
 */
export async function page(
  req: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> & { title: string },
  status = 200,
): Promise<void> {
  const session = req.portal
  const path = req.url.split('?')[0]
  await reply
    .code(status)
    .type('text/html; charset=utf-8')
    .view(template, {
      ...data,
      session,
      csrf: session ? csrfToken(session) : '',
      nav: NAV.map((item) => ({ ...item, current: item.href === path })),
      query: typeof (req.query as { q?: unknown })?.q === 'string' ? (req.query as { q: string }).q : '',
      formatDate,
    })
}

/** An instant as the operator reads it: `2025-01-15 10:00 UTC`, in the tenant's time zone. */
export function formatDate(value: Date | string | null | undefined, timeZone = 'UTC'): string {
  if (value === null || value === undefined) return ''
  const date = typeof value === 'string' ? new Date(value) : value
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${timeZone}`
}

/**
 * The portal page of a resource, or null while its kind has no page. A page that is built adds its
 * kind here, and search results and links start to open it.
 */
export const RESOURCE_PAGES: Partial<Record<string, (id: string) => string>> = {}
export const hrefOf = (kind: string, id: string): string | null => RESOURCE_PAGES[kind]?.(id) ?? null

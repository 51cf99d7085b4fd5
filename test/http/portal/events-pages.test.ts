import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCustomer } from '../../helpers/parties.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const EVENTS = '/portal/developers/events'
const rows = (html: string) => html.match(/<tr>\s*<td>/g)?.length ?? 0

describe('portal events explorer', () => {
  it('filters by type and resource id, pages by cursor, and escapes each event’s JSON', async () => {
    const tenant = await t.tenant()
    const markup = '<script>alert(1)</script>'
    const marked = await makeCustomer(t, tenant, { name: markup })
    for (let i = 0; i < 25; i++) await makeCustomer(t, tenant, { name: `Customer ${i}` })
    await t.request(tenant, { method: 'PUT', url: `/customers/${marked.customerId}`, payload: { name: 'renamed' } })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))

    const first = await browser.get(`${EVENTS}?type=customer.created`)
    expect(first.statusCode).toBe(200)
    expect(rows(first.body)).toBe(25)
    expect(first.body).not.toContain('customer.updated</td>')
    const next = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replace(/&amp;/g, '&') as string
    expect(next).toContain('type=customer.created')
    const second = await browser.get(next)
    expect(rows(second.body)).toBe(1)
    expect(second.body).not.toContain('rel="next"')

    const one = await browser.get(`${EVENTS}?resourceId=${marked.customerId}`)
    expect(rows(one.body)).toBe(2)
    expect(one.body).toContain('customer.updated</td>')
    expect(one.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(one.body).not.toContain(markup)
    expect(one.body).toMatch(/<pre>\{\s*&quot;eventId&quot;/)

    const stranger = await signIn(t, await makeOperator(t, await t.tenant(), 'viewer'))
    const hidden = await stranger.get(`${EVENTS}?resourceId=${marked.customerId}`)
    expect(hidden.statusCode).toBe(200)
    expect(rows(hidden.body)).toBe(0)
    const signedOut = await t.app.inject({ method: 'GET', url: EVENTS })
    expect(signedOut.statusCode).toBe(303)
  })
})

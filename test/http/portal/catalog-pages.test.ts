import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOP_UP_CATEGORY } from '../../../src/domain/catalog/offering.js'
import { pageRequest } from '../../../src/domain/shared/paging.js'
import { offeringBody, seedCatalog, seedDemoCatalog } from '../../helpers/catalog.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const offeringIds = (html: string) => [...html.matchAll(/<br><code>([a-z0-9._-]+)<\/code><\/td>/g)].map((m) => m[1])

describe('portal catalog', () => {
  it('sends a signed-out visitor to the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/portal/catalog' })
    expect(res.statusCode).toBe(303)
  })

  it('lists plans, add-ons, licenses and top-ups apart, each in the API’s list order with price and change rules', async () => {
    const tenant = await t.tenant()
    await seedDemoCatalog(t.services, tenant)
    const all = (await t.services.catalog.offeringPage(tenant.tenant.id, {}, pageRequest({ limit: 100 }))).items
    const expected = {
      plans: all.filter((o) => o.product.type === 'SUBSCRIPTION'),
      addons: all.filter((o) => o.product.type === 'SUBSCRIPTION_ADDON' && o.product.category !== TOP_UP_CATEGORY),
      licenses: all.filter((o) => o.product.type === 'LICENSE'),
      topups: all.filter((o) => o.product.category === TOP_UP_CATEGORY),
    }
    for (const list of Object.values(expected)) expect(list.length).toBeGreaterThan(0)
    const other = await t.tenant()
    await seedCatalog(t.services, other, { offerings: [offeringBody('someone-elses-plan')] })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    for (const [kind, list] of Object.entries(expected)) {
      const res = await browser.get(`/portal/catalog?kind=${kind}`)
      expect(res.statusCode).toBe(200)
      expect(offeringIds(res.body), kind).toEqual(list.map((o) => o.productOfferingId))
    }
    const plans = await browser.get('/portal/catalog')
    const plus = expected.plans.find((o) => o.productOfferingId === 'mobile-plan-plus')
    expect(plus).toBeDefined()
    expect(plans.body).toContain(`USD ${plus?.price.netPrice.toFixed(2)} every 1 MONTHLY`)
    expect(plans.body).toContain(
      `upgrade ${plus?.changePolicy.upgrade}, lateral ${plus?.changePolicy.lateral}, downgrade ${plus?.changePolicy.downgrade}`,
    )
    expect(plans.body).not.toContain('someone-elses-plan')
    expect((await browser.get('/portal/catalog?kind=phones')).statusCode).toBe(400)
  })

  it('pages by keyset cursor and escapes offering names', async () => {
    const tenant = await t.tenant()
    const offerings = Array.from({ length: 26 }, (_, i) =>
      offeringBody(`plan-${String(i).padStart(2, '0')}`, { name: `<script>alert(${i})</script>` }),
    )
    await seedCatalog(t.services, tenant, { offerings })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const first = await browser.get('/portal/catalog?kind=plans')
    expect(offeringIds(first.body)).toHaveLength(25)
    expect(first.body).toContain('&lt;script&gt;alert(0)&lt;/script&gt;')
    expect(first.body).not.toContain('<script>alert(')
    const next = /href="(\/portal\/catalog\?[^"]+)" rel="next"/.exec(first.body)?.[1] as string
    const second = await browser.get(next.replaceAll('&amp;', '&'))
    expect(offeringIds(second.body)).toEqual(['plan-25'])
  })
})

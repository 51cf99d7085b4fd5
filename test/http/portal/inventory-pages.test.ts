import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { iccid, importNumbers, importSims, msisdns } from '../../helpers/inventory.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const items = (html: string) => [...html.matchAll(/<td class="item">([^<]+)<\/td>/g)].map((m) => m[1])

describe('portal inventory', () => {
  it('sends a signed-out visitor to the sign-in page', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/portal/inventory' })).statusCode).toBe(303)
  })

  it('counts numbers and SIMs by status and lists either, paged and filtered, none of another tenant', async () => {
    const tenant = await t.tenant()
    const numbers = msisdns(27).sort()
    await importNumbers(
      t,
      tenant,
      numbers.map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    const sims = [iccid(), iccid()].sort()
    await importSims(
      t,
      tenant,
      sims.map((i) => ({ iccid: i, type: 'PHYSICAL' })),
    )
    const foreign = msisdns(1)
    await importNumbers(
      t,
      await t.tenant(),
      foreign.map((msisdn) => ({ msisdn, type: 'CELL' })),
    )
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const first = await browser.get('/portal/inventory')
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('<dt>Numbers AVAILABLE</dt><dd>27</dd>')
    expect(first.body).toContain('<dt>SIMs AVAILABLE</dt><dd>2</dd>')
    expect(first.body).toContain('<dt>Numbers LEASED</dt><dd>0</dd>')
    expect(items(first.body)).toEqual(numbers.slice(0, 25))
    const next = /href="(\/portal\/inventory\?[^"]+)" rel="next"/.exec(first.body)?.[1] as string
    const second = await browser.get(next.replaceAll('&amp;', '&'))
    expect(items(second.body)).toEqual(numbers.slice(25))
    expect(second.body).not.toContain(foreign[0])
    expect(items((await browser.get('/portal/inventory?what=sims')).body)).toEqual(sims)
    expect(items((await browser.get('/portal/inventory?what=sims&status=IN_USE')).body)).toEqual([])
    expect((await browser.get('/portal/inventory?what=phones')).statusCode).toBe(400)
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/shared/errors.js'
import { newId } from '../../../src/domain/shared/ids.js'
import * as imports from '../../../src/persistence/repositories/inventory-import.repository.js'
import { systemContext } from '../../../src/services/context.js'
import { readNumbersFile } from '../../../src/services/inventory/inventory-file.js'
import { MAX_IMPORT_FILE_BYTES } from '../../../src/services/inventory/inventory-import.service.js'
import type { TestTenant } from '../../helpers/factories.js'
import { iccid, importNumbers, msisdns } from '../../helpers/inventory.js'
import type { Browser, FormFile } from '../../helpers/portal.js'
import { hidden, makeOperator, multipartForm, postMultipart, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const csv = (fileName: string, content: string | Buffer): FormFile => ({ name: 'file', fileName, content })

/** The count the inventory page shows for `what` (`Numbers` or `SIMs`) in `status`. */
async function shown(browser: Browser, what: 'Numbers' | 'SIMs', status = 'AVAILABLE'): Promise<number> {
  const page = await browser.get('/portal/inventory')
  const match = new RegExp(`<dt>${what} ${status}</dt><dd>(\\d+)</dd>`).exec(page.body)
  expect(match, page.body).not.toBeNull()
  return Number(match?.[1])
}

/** Opens the inventory page (for a fresh `_idem` and the CSRF token) and sends its import form. */
async function upload(browser: Browser, what: 'numbers' | 'sims', file: FormFile, fields: Record<string, string> = {}) {
  const page = await browser.get(`/portal/inventory?what=${what}`)
  const idem = hidden(page.body, '_idem') as string
  expect(idem).toBeTruthy()
  return postMultipart(t, browser, '/portal/inventory/import', { _idem: idem, what, ...fields }, [file])
}

const importPath = (location: string | undefined): string => {
  expect(location).toMatch(/^\/portal\/inventory\/imports\/[0-9a-f-]{36}$/)
  return location as string
}

async function admin(tenant?: TestTenant) {
  const owner = tenant ?? (await t.tenant())
  return { tenant: owner, browser: await signIn(t, await makeOperator(t, owner, 'admin')) }
}

describe('portal inventory import', () => {
  it('imports a good numbers file and a SIMs file: the counts on the inventory page change, ones already there are skipped', async () => {
    const { tenant, browser } = await admin()
    const [had, ...fresh] = msisdns(3) as [string, ...string[]]
    await importNumbers(t, tenant, [{ msisdn: had, type: 'CELL' }])
    expect(await shown(browser, 'Numbers')).toBe(1)
    const form = await browser.get('/portal/inventory')
    expect(form.body).toContain('enctype="multipart/form-data"')
    expect(form.body).toContain('name="file" type="file"')

    const lines = ['msisdn,type,grade,region', `${had},CELL,0,north`, ...fresh.map((m) => `${m},CELL,2,south`)]
    const sent = await upload(browser, 'numbers', csv('numbers.csv', `${lines.join('\r\n')}\r\n`))
    expect(sent.statusCode, sent.body).toBe(303)
    const result = await browser.get(importPath(sent.headers.location as string))
    expect(result.statusCode).toBe(200)
    expect(result.body).toContain(
      '<strong>Done</strong>: 2 new numbers imported, 1 already there (skipped), of 3 rows.',
    )
    expect(result.body).toContain('<progress id="import-progress" max="3" value="3">')
    expect(result.body).not.toContain('hx-trigger')
    expect(await shown(browser, 'Numbers')).toBe(3)
    const listed = await t.request(tenant, { method: 'GET', url: '/inventory/numbers?limit=10' })
    const stored = (listed.json().items as { msisdn: string; grade: number }[]).find((n) => n.msisdn === fresh[0])
    expect(stored?.grade).toBe(2)

    const sims = [iccid(), iccid()]
    const simsSent = await upload(
      browser,
      'sims',
      csv('sims.csv', ['iccid,type', ...sims.map((i) => `${i},PHYSICAL`)].join('\n')),
    )
    expect(simsSent.statusCode, simsSent.body).toBe(303)
    const simsResult = await browser.get(importPath(simsSent.headers.location as string))
    expect(simsResult.body).toContain('2 new SIMs imported, 0 already there (skipped), of 2 rows.')
    expect(await shown(browser, 'SIMs')).toBe(2)
  })

  it('lists every bad row (line, column, value, reason) and, as the CLI, imports nothing from a file with one', async () => {
    const { tenant, browser } = await admin()
    const [good, twice] = msisdns(2) as [string, string]
    const text = ['msisdn,type', `${good},CELL`, '12345,CELL', `${twice},cell`, `${twice},CELL`].join('\n')
    const sent = await upload(browser, 'numbers', csv('bad.csv', text))
    expect(sent.statusCode, sent.body).toBe(303)
    const report = await browser.get(importPath(sent.headers.location as string))
    expect(report.statusCode).toBe(200)
    expect(report.body).toContain('<strong>Nothing was imported</strong>')

    // The same file through the CLI's reader and the same service call: the report holds exactly its problems.
    const dir = mkdtempSync(join(tmpdir(), 'openline-import-'))
    writeFileSync(join(dir, 'bad.csv'), text)
    const { rows, pathOf } = readNumbersFile(join(dir, 'bad.csv'))
    const cli = await t.services.numberPool
      .importNumbers(systemContext(tenant.tenant, t.clock, 'test'), rows, { pathOf })
      .then(
        () => null,
        (error: unknown) => error,
      )
    expect(cli).toBeInstanceOf(InvalidInputError)
    const expected = (cli as InvalidInputError).fieldErrors
    expect(expected.length).toBeGreaterThanOrEqual(3)
    const reported = [
      ...report.body.matchAll(
        /<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td class="value">([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
      ),
    ]
    expect(report.body).toContain(`the file has ${expected.length} problems`)
    expect(reported.map((r) => `/line/${r[1]}/${r[2]} ${r[4]}`)).toEqual(
      expected.map((e) => `${e.path} ${e.message.replaceAll("'", '&#39;')}`),
    )
    const valueOf = (line: string, field: string) => reported.find((r) => r[1] === line && r[2] === field)?.[3]
    expect(valueOf('3', 'msisdn')).toBe('12345')
    expect(valueOf('4', 'type')).toBe('cell')
    expect(valueOf('5', 'msisdn')).toBe(twice)
    expect(await shown(browser, 'Numbers')).toBe(0)
  })

  it('shows a file it cannot read (no msisdn column) as one problem of the file', async () => {
    const { browser } = await admin()
    const sent = await upload(browser, 'numbers', csv('wrong.csv', 'number,type\n+46700000001,CELL\n'))
    const report = await browser.get(importPath(sent.headers.location as string))
    expect(report.body).toContain('the header has no &#39;msisdn&#39; column')
    expect(report.body).toContain('the file has 1 problem.')
  })

  it('escapes a malicious value and file name in the report', async () => {
    const { browser } = await admin()
    const evil = '<script>alert(1)</script>'
    const sent = await upload(
      browser,
      'numbers',
      csv('<img src=x onerror=alert(1)>.csv', `msisdn,type\n"${evil}",CELL\n`),
    )
    expect(sent.statusCode, sent.body).toBe(303)
    const report = await browser.get(importPath(sent.headers.location as string))
    expect(report.body).not.toContain(evil)
    expect(report.body).not.toContain('<img src=x')
    expect(report.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(report.body).toContain('&lt;img src=x onerror=alert(1)&gt;.csv')
  })

  it('imports a form sent twice once, and refuses its key with another file', async () => {
    const { tenant, browser } = await admin()
    const page = await browser.get('/portal/inventory')
    const idem = hidden(page.body, '_idem') as string
    const file = csv('twice.csv', ['msisdn,type', ...msisdns(2).map((m) => `${m},CELL`)].join('\n'))
    const fields = { _idem: idem, what: 'numbers' }
    const first = await postMultipart(t, browser, '/portal/inventory/import', fields, [file])
    const second = await postMultipart(t, browser, '/portal/inventory/import', fields, [file])
    expect(first.statusCode, first.body).toBe(303)
    expect(second.statusCode, second.body).toBe(303)
    expect(second.headers.location).toBe(first.headers.location)
    expect(await shown(browser, 'Numbers')).toBe(2)
    const other = csv('twice.csv', `msisdn,type\n${msisdns(1)[0]},CELL\n`)
    const reused = await postMultipart(t, browser, '/portal/inventory/import', fields, [other])
    expect(reused.statusCode).toBe(409)
    expect(reused.body).toContain('idempotency.key_reused')
    expect((await t.request(tenant, { method: 'GET', url: '/inventory/numbers?limit=10' })).json().items).toHaveLength(
      2,
    )
  })

  it('refuses a file over the limit plainly, and imports nothing', async () => {
    const { browser } = await admin()
    const header = 'msisdn,type\n'
    const big = Buffer.alloc(MAX_IMPORT_FILE_BYTES + 1024, 'x')
    big.write(header)
    const sent = await upload(browser, 'numbers', csv('big.csv', big))
    expect(sent.statusCode).toBe(413)
    expect(sent.headers['content-type']).toMatch(/^text\/html/)
    expect(sent.body).toContain('The file is larger than 5 MB')
    expect(await shown(browser, 'Numbers')).toBe(0)
  })

  it('refuses a form without a file or a kind (400), and nothing is written', async () => {
    const { browser } = await admin()
    const noFile = await upload(browser, 'numbers', csv('empty.csv', ''))
    expect(noFile.statusCode).toBe(400)
    expect(noFile.body).toContain('Choose a file to import')
    const noKind = await upload(browser, 'numbers', csv('x.csv', 'msisdn,type\n'), { what: 'phones' })
    expect(noKind.statusCode).toBe(400)
    expect(noKind.body).toContain('Choose what the file holds')
  })

  it('shows the progress of an import another process runs, polled by htmx until it is done', async () => {
    const { tenant, browser } = await admin()
    const id = newId()
    const now = t.clock.now()
    await imports.insertImport(t.services.db, {
      tenantId: tenant.tenant.id,
      id,
      kind: 'sims',
      fileName: 'long.csv',
      state: 'running',
      total: 40_000,
      imported: 0,
      skipped: 0,
      errorCount: 0,
      errors: [],
      createdBy: 'someone@example.test',
      createdAt: now,
      updatedAt: now,
    })
    const running = await browser.get(`/portal/inventory/imports/${id}`)
    expect(running.body).toContain(`hx-get="/portal/inventory/imports/${id}/status" hx-trigger="every 1s"`)
    expect(running.body).toContain('<progress id="import-progress" max="40000"></progress>')
    expect(running.body).not.toContain('<script>')
    const polled = await browser.get(`/portal/inventory/imports/${id}/status`, { 'hx-request': 'true' })
    expect(polled.statusCode).toBe(200)
    expect(polled.body).not.toContain('<html')
    expect(polled.body).toContain('hx-trigger="every 1s"')

    await imports.finishImport(t.services.db, tenant.tenant.id, id, {
      state: 'succeeded',
      imported: 39_990,
      skipped: 10,
      errorCount: 0,
      errors: [],
      updatedAt: now,
    })
    const done = await browser.get(`/portal/inventory/imports/${id}/status`, { 'hx-request': 'true' })
    expect(done.body).not.toContain('hx-trigger')
    expect(done.body).toContain('39990 new SIMs imported, 10 already there (skipped), of 40000 rows.')
  })

  it('shows an import still running long after it began as interrupted, and stops polling', async () => {
    const { tenant, browser } = await admin()
    const id = newId()
    const began = new Date(t.clock.now().getTime() - 16 * 60_000)
    await imports.insertImport(t.services.db, {
      ...{ tenantId: tenant.tenant.id, id, kind: 'numbers', fileName: 'x.csv', state: 'running', total: 5 },
      ...{ imported: 0, skipped: 0, errorCount: 0, errors: [], createdBy: 'x', createdAt: began, updatedAt: began },
    })
    const page = await browser.get(`/portal/inventory/imports/${id}`)
    expect(page.body).toContain('<strong>Interrupted</strong>')
    expect(page.body).not.toContain('hx-trigger')
  })

  it('is for admins: a viewer sees no form and gets a 403 page, nothing imported', async () => {
    const tenant = await t.tenant()
    const viewer = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const page = await viewer.get('/portal/inventory')
    expect(page.body).not.toContain('/portal/inventory/import"')
    const file = csv('v.csv', `msisdn,type\n${msisdns(1)[0]},CELL\n`)
    const sent = await postMultipart(t, viewer, '/portal/inventory/import', { _idem: newId(), what: 'numbers' }, [file])
    expect(sent.statusCode).toBe(403)
    expect(sent.body).toContain('portal.role_forbidden')
    expect(await shown(viewer, 'Numbers')).toBe(0)
    const operator = await signIn(t, await makeOperator(t, tenant, 'operator'))
    await operator.get('/portal/inventory')
    const asOperator = await postMultipart(
      t,
      operator,
      '/portal/inventory/import',
      { _idem: newId(), what: 'numbers' },
      [file],
    )
    expect(asOperator.statusCode).toBe(403)
    const { browser } = await admin(tenant)
    const sentByAdmin = await upload(browser, 'numbers', file)
    expect((await viewer.get(sentByAdmin.headers.location as string)).statusCode).toBe(403)
  })

  it('refuses a form without its CSRF token, or with a wrong one, and imports nothing', async () => {
    const { browser } = await admin()
    const file = csv('c.csv', `msisdn,type\n${msisdns(1)[0]},CELL\n`)
    for (const csrf of ['', 'forged']) {
      const sent = await postMultipart(
        t,
        browser,
        '/portal/inventory/import',
        { _csrf: csrf, _idem: newId(), what: 'numbers' },
        [file],
      )
      expect(sent.statusCode).toBe(403)
      expect(sent.body).toContain('portal.csrf_failed')
    }
    const { payload, contentType } = multipartForm({ _idem: newId(), what: 'numbers' }, [file])
    const without = await t.app.inject({
      method: 'POST',
      url: '/portal/inventory/import',
      headers: { cookie: browser.cookie, 'content-type': contentType },
      payload,
    })
    expect(without.statusCode).toBe(403)
    expect(without.body).toContain('portal.csrf_failed')
    expect(await shown(browser, 'Numbers')).toBe(0)
  })

  it('sends a signed-out visitor to the sign-in page (htmx polling is told to go there)', async () => {
    const { payload, contentType } = multipartForm({ what: 'numbers' }, [csv('s.csv', 'msisdn,type\n')])
    const post = await t.app.inject({
      method: 'POST',
      url: '/portal/inventory/import',
      headers: { 'content-type': contentType },
      payload,
    })
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toMatch(/^\/portal\/sign-in\?next=/)
    const id = newId()
    const get = await t.app.inject({ method: 'GET', url: `/portal/inventory/imports/${id}` })
    expect(get.statusCode).toBe(303)
    expect(get.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(`/portal/inventory/imports/${id}`)}`)
    const poll = await t.app.inject({
      method: 'GET',
      url: `/portal/inventory/imports/${id}/status`,
      headers: { 'hx-request': 'true' },
    })
    expect(poll.statusCode).toBe(401)
    expect(poll.headers['hx-redirect']).toMatch(/^\/portal\/sign-in\?next=/)
  })

  it("answers another tenant's import, or an id that is no import, with a 404 page", async () => {
    const { browser } = await admin()
    const other = await admin()
    const sent = await upload(other.browser, 'numbers', csv('o.csv', `msisdn,type\n${msisdns(1)[0]},CELL\n`))
    const location = importPath(sent.headers.location as string)
    expect((await other.browser.get(location)).statusCode).toBe(200)
    for (const url of [location, `${location}/status`, '/portal/inventory/imports/not-an-id']) {
      const res = await browser.get(url)
      expect(res.statusCode, url).toBe(404)
      expect(res.body).toContain('inventory_import.not_found')
    }
  })

  it('leaves the API refusing anything but JSON', async () => {
    const tenant = await t.tenant()
    const { payload, contentType } = multipartForm({}, [csv('n.csv', `msisdn,type\n${msisdns(1)[0]},CELL\n`)])
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/inventory/numbers/import',
      headers: { 'content-type': contentType },
      payload,
    })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    expect(res.json().code).toBe('request.unsupported_media_type')
  })
})

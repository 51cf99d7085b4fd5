import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../../src/domain/shared/ids.js'
import type { JobRow } from '../../../src/persistence/repositories/job.repository.js'
import { findJob, insertJob } from '../../../src/persistence/repositories/job.repository.js'
import { job as jobTable } from '../../../src/persistence/schema/index.js'
import type { TestTenant } from '../../helpers/factories.js'
import type { Browser } from '../../helpers/portal.js'
import { hidden, makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const JOBS = '/portal/developers/jobs'

/** A job of the tenant in the state given, as the worker leaves one that used every attempt. */
async function makeJob(tenant: TestTenant, overrides: Partial<JobRow> = {}): Promise<JobRow> {
  const now = t.clock.now()
  const row: JobRow = {
    tenantId: tenant.tenant.id,
    id: newId(),
    kind: 'port-in.submit',
    payload: { portInId: newId(), revision: 1 },
    dedupeKey: null,
    state: 'failed',
    runAt: new Date(now.getTime() - 3_600_000),
    attempts: 10,
    maxAttempts: 10,
    lockedBy: null,
    lockedUntil: null,
    lastError: 'provider answered 503',
    createdAt: new Date(now.getTime() - 7_200_000),
    updatedAt: now,
    ...overrides,
  }
  expect(await insertJob(t.services.db, row)).toBe(true)
  return row
}

const jobOf = (tenant: TestTenant, id: string) => findJob(t.services.db, tenant.tenant.id, id) as Promise<JobRow>

/** Opens a confirmation page and sends its form; `again` sends the very same form once more. */
async function confirm(browser: Browser, url: string) {
  const form = await browser.get(url)
  expect(form.statusCode, form.body).toBe(200)
  const send = () => browser.post(url, { _idem: hidden(form.body, '_idem') as string })
  return { form, first: await send(), again: send }
}

describe('portal failed jobs', () => {
  it('lists the tenant’s failed jobs only, with kind, subject, attempts, the last error escaped and when it failed', async () => {
    const tenant = await t.tenant()
    const failed = await makeJob(tenant, { lastError: '<script>alert(1)</script><b>boom</b>' })
    const queued = await makeJob(tenant, { state: 'queued', kind: 'order.fulfil', attempts: 0 })
    const foreign = await makeJob(await t.tenant())
    const viewer = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const list = await viewer.get(JOBS)
    expect(list.statusCode, list.body).toBe(200)
    expect(list.body).toContain('<h1>Failed jobs</h1>')
    expect(list.body).toContain('aria-current="page">Failed jobs</a>')
    expect(list.body).toContain('port-in.submit')
    expect(list.body).toContain(`portInId ${failed.payload.portInId as string}`)
    expect(list.body).toContain('10 of 10')
    expect(list.body).toContain('2025-01-15 10:00 UTC')
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;boom&lt;/b&gt;')
    expect(list.body).not.toContain('<b>boom</b>')
    expect(list.body).not.toContain(queued.id)
    expect(list.body).not.toContain(foreign.id)
    // Viewers read; no retry for them.
    expect(list.body).not.toContain('Retry…')
    expect((await viewer.get(`${JOBS}/${failed.id}/retry`)).statusCode).toBe(403)
  })

  it('pages by keyset cursor, 25 a page', async () => {
    const tenant = await t.tenant()
    const rows: JobRow[] = []
    for (let i = 0; i < 27; i++) rows.push(await makeJob(tenant))
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const first = await browser.get(JOBS)
    expect(first.body.match(/<tr>\s*<td>port-in\.submit/g)).toHaveLength(25)
    const next = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replaceAll('&amp;', '&') as string
    expect(next).toMatch(/^\/portal\/developers\/jobs\?cursor=/)
    const second = await browser.get(next)
    expect(second.body.match(/<tr>\s*<td>port-in\.submit/g)).toHaveLength(2)
    expect(second.body).toContain((rows.at(-1) as JobRow).id)
    expect(second.body).not.toContain('rel="next"')
    const bad = await browser.get(`${JOBS}?cursor=nonsense`)
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('pagination.invalid_cursor')
  })

  it('an admin retries a failed job through a confirmation: queued again, due now, attempts from nought, once', async () => {
    const tenant = await t.tenant()
    const job = await makeJob(tenant)
    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    expect((await admin.get(JOBS)).body).toContain(`href="${JOBS}/${job.id}/retry">Retry…</a>`)
    const { form, first, again } = await confirm(admin, `${JOBS}/${job.id}/retry`)
    expect(form.body).toContain('<h1 id="confirm-title">Retry the port-in.submit job?</h1>')
    expect(form.body).toContain('<button type="submit" class="primary">Retry</button>')
    expect(first.statusCode, first.body).toBe(303)
    expect(first.headers.location).toBe(`${JOBS}?retried=${job.id}`)
    const after = await jobOf(tenant, job.id)
    expect(after).toMatchObject({ state: 'queued', attempts: 0, lastError: null })
    expect(after.runAt.toISOString()).toBe(t.clock.now().toISOString())
    const page = await admin.get(first.headers.location as string)
    expect(page.body).toContain(`The port-in.submit job <code>${job.id}</code> is queued again.`)
    expect(page.body).toContain('No failed jobs.')

    // The worker takes it, it fails for good again: the same form sent again does nothing more.
    await t.services.db
      .update(jobTable)
      .set({ state: 'failed', attempts: 10, lastError: 'again' })
      .where(and(eq(jobTable.tenantId, tenant.tenant.id), eq(jobTable.id, job.id)))
    const twice = await again()
    expect(twice.statusCode).toBe(303)
    expect(twice.headers.location).toBe(first.headers.location)
    expect(await jobOf(tenant, job.id)).toMatchObject({ state: 'failed', attempts: 10, lastError: 'again' })
  })

  it('a job the worker failed is listed with the worker’s error, and after a retry the worker runs it again', async () => {
    const tenant = await t.tenant()
    const kind = 'portal-test.no-handler'
    await t.services.queue.enqueue(t.services.db, {
      tenantId: tenant.tenant.id,
      kind,
      payload: { subscriptionId: 'sub-1' },
    })
    await t.worker.drain({ tenantId: tenant.tenant.id, kinds: [kind] })
    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const list = (await admin.get(JOBS)).body
    expect(list).toContain(`No handler for job kind &#39;${kind}&#39;.`)
    expect(list).toContain('subscriptionId sub-1')
    expect(list).toContain('1 of 10')
    const id = new RegExp(`${JOBS}/([0-9a-f-]{36})/retry`).exec(list)?.[1] as string
    const { first } = await confirm(admin, `${JOBS}/${id}/retry`)
    expect(first.statusCode, first.body).toBe(303)
    expect(await jobOf(tenant, id)).toMatchObject({ state: 'queued', attempts: 0 })
    expect(await t.worker.drain({ tenantId: tenant.tenant.id, kinds: [kind] })).toBe(1)
    expect(await jobOf(tenant, id)).toMatchObject({ state: 'failed', attempts: 1 })
    expect((await admin.get(first.headers.location as string)).body).toContain(
      `The ${kind} job <code>${id}</code> is failed again.`,
    )
  })

  it('refuses a job that is not failed, or one whose key another live job holds, and changes nothing', async () => {
    const tenant = await t.tenant()
    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const queued = await makeJob(tenant, { state: 'queued', attempts: 1 })
    const early = await confirm(admin, `${JOBS}/${queued.id}/retry`)
    expect(early.first.statusCode).toBe(409)
    expect(early.first.body).toContain('job.not_failed')
    expect(await jobOf(tenant, queued.id)).toMatchObject({ state: 'queued', attempts: 1 })

    const key = `port-in:${newId()}`
    const old = await makeJob(tenant, { dedupeKey: key })
    const live = await makeJob(tenant, { dedupeKey: key, state: 'queued', attempts: 2 })
    const taken = await confirm(admin, `${JOBS}/${old.id}/retry`)
    expect(taken.first.statusCode).toBe(409)
    expect(taken.first.body).toContain('job.already_queued')
    expect(await jobOf(tenant, old.id)).toMatchObject({ state: 'failed', attempts: 10 })
    expect(await jobOf(tenant, live.id)).toMatchObject({ state: 'queued', attempts: 2 })

    expect((await admin.get(`${JOBS}/not-a-uuid/retry`)).statusCode).toBe(400)
    const unknown = await admin.get(`${JOBS}/${newId()}/retry`)
    expect(unknown.statusCode).toBe(404)
    expect(unknown.body).toContain('job.not_found')
  })

  it('signed out goes to sign-in; operators and viewers cannot retry; no CSRF token, no retry; another tenant’s is a 404', async () => {
    const tenant = await t.tenant()
    const job = await makeJob(tenant)
    const retry = `${JOBS}/${job.id}/retry`
    const signedOut = await t.app.inject({ method: 'GET', url: JOBS })
    expect(signedOut.statusCode).toBe(303)
    expect(signedOut.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(JOBS)}`)
    const postSignedOut = await t.app.inject({
      method: 'POST',
      url: retry,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=x&_idem=y',
    })
    expect(postSignedOut.statusCode).toBe(303)

    for (const role of ['viewer', 'operator'] as const) {
      const browser = await signIn(t, await makeOperator(t, tenant, role))
      await browser.get(JOBS)
      const post = await browser.post(retry, { _idem: `${role}-try` })
      expect(post.statusCode).toBe(403)
      expect(post.body).toContain('portal.role_forbidden')
    }

    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const idem = hidden((await admin.get(retry)).body, '_idem') as string
    const noCsrf = await admin.post(retry, { _idem: idem, _csrf: '' })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.body).toContain('portal.csrf_failed')
    const noIdem = await admin.post(retry, {})
    expect(noIdem.statusCode).toBe(400)

    const stranger = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    expect((await stranger.get(retry)).statusCode).toBe(404)
    expect((await stranger.post(retry, { _idem: 'foreign' })).statusCode).toBe(404)
    expect(await jobOf(tenant, job.id)).toMatchObject({ state: 'failed', attempts: 10 })
  })
})

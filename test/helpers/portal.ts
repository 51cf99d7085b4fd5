import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { Role } from '../../src/domain/operators/roles.js'
import type { TestApp } from './test-app.js'
import { uniqueName } from './factories.js'
import type { TestTenant } from './factories.js'

export const PASSWORD = 'correct horse battery staple'

export interface Browser {
  email: string
  cookie: string
  /** A GET with the session cookie. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  /** A form POST with the session cookie; `_csrf` is filled in from the last page unless given. */
  post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>
  csrf: string
}

/** An operator with `role` in the tenant (and more memberships), made through the service the CLI uses. */
export async function makeOperator(
  t: TestApp,
  tenant: TestTenant,
  role: Role,
  email = `${uniqueName('op')}@example.test`,
) {
  await t.services.operators.create({ email, tenant: tenant.tenant, role, password: PASSWORD })
  return email
}

export const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString()

export const cookieOf = (res: LightMyRequestResponse, name: string): string | undefined =>
  res.cookies.find((c) => c.name === name)?.value

/** The value of a hidden input in a page. */
export const hidden = (html: string, name: string): string | undefined =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]

/** Opens the sign-in page and posts the form: the raw answer. */
export async function signInRequest(t: TestApp, email: string, password: string, address = '127.0.0.1') {
  const page = await t.app.inject({ method: 'GET', url: '/portal/sign-in', remoteAddress: address })
  const token = cookieOf(page, 'ol_portal_sign_in') as string
  return t.app.inject({
    method: 'POST',
    url: '/portal/sign-in',
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ol_portal_sign_in=${token}` },
    payload: form({ email, password, _csrf: token, next: '/portal' }),
  })
}

/** Signs in and returns a small browser holding the session cookie and the CSRF token of the last page. */
export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<Browser> {
  const res = await signInRequest(t, email, password)
  expect(res.statusCode, res.body).toBe(303)
  const cookie = `ol_portal_session=${cookieOf(res, 'ol_portal_session') as string}`
  const browser: Browser = {
    email,
    cookie,
    csrf: '',
    async get(url, headers = {}) {
      const answer = await t.app.inject({ method: 'GET', url, headers: { cookie, ...headers } })
      browser.csrf = hidden(answer.body, '_csrf') ?? browser.csrf
      return answer
    },
    post: (url, fields) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: browser.csrf, ...fields }),
      }),
  }
  await browser.get('/portal')
  return browser
}

/** A file field of a multipart form. */
export interface FormFile {
  name: string
  fileName: string
  content: string | Buffer
  type?: string
}

/** A `multipart/form-data` body as a browser sends a form with a file field. */
export function multipartForm(fields: Record<string, string>, files: FormFile[] = []) {
  const boundary = `----openline${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\n` +
          `content-type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      Buffer.from(file.content),
      Buffer.from('\r\n'),
    )
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Posts a multipart form (with its files) with the browser's session cookie; `_csrf` from the last page unless given. */
export function postMultipart(
  t: TestApp,
  browser: Browser,
  url: string,
  fields: Record<string, string>,
  files: FormFile[],
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = multipartForm({ _csrf: browser.csrf, ...fields }, files)
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: browser.cookie, 'content-type': contentType },
    payload,
  })
}

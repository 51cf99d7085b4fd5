import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import type { ErrorCode } from '../src/index.js'
import { OpenlineError, rid } from '../src/index.js'
import type { Sandbox } from './server.js'
import { startSandbox } from './server.js'

/** Problem details come back as typed OpenlineErrors. */
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())

const caught = async (call: Promise<unknown>): Promise<OpenlineError> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(OpenlineError)
  return error as OpenlineError
}

describe('OpenlineError', () => {
  it('carries the code, status, title, detail, field errors and request id of a 400', async () => {
    const client = sandbox.client()
    const error = await caught(
      // Bad on purpose: the types say what the API takes, so the cast is the test's.
      client.customers.create({ customerType: 'CONSUMER', name: '', scheduleAt: 1 } as never),
    )
    expectTypeOf(error.code).toMatchTypeOf<ErrorCode | (string & {})>()
    expect(error).toMatchObject({ status: 400, title: 'Bad Request', code: 'request.validation_failed' })
    expect(error.detail).toBeTruthy()
    expect(error.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/body/name', '/body/scheduleAt']))
    expect(error.requestId).toBe(error.headers.get('x-request-id'))
    expect(error.message).toContain('request.validation_failed')
  })

  it('answers 404 for an unknown reference, 409 for a taken one, 401 for a wrong key', async () => {
    const client = sandbox.client()
    const missing = await caught(client.customers.get(rid('nobody-by-that-name')))
    expect(missing).toMatchObject({ status: 404, code: 'customer.not_found' })
    await client.customers.create({ customerType: 'CONSUMER', name: 'First', referenceId: 'taken' })
    const taken = await caught(
      client.customers.create({ customerType: 'CONSUMER', name: 'Second', referenceId: 'taken' }),
    )
    expect(taken).toMatchObject({ status: 409, code: 'customer.reference_taken', title: 'Conflict' })
    const stranger = await caught(sandbox.client({ apiKey: 'ol_sandbox_not-a-key' }).get('/test-clock'))
    expect(stranger.status).toBe(401)
    expect(stranger.code).toMatch(/^auth\./)
  })
})

describe('rid', () => {
  it('prefixes a reference, and refuses one the API would refuse', () => {
    expect(rid('crm-123')).toBe('rid_crm-123')
    expect(() => rid('')).toThrow(RangeError)
    expect(() => rid('x'.repeat(256))).toThrow(RangeError)
  })
})

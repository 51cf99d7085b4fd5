import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../../packages/sdk/test/server.js'
import { startSandbox } from '../../packages/sdk/test/server.js'
import { createDispatcher, createWorker } from '../../src/container.js'
import type { WebhookDispatcher } from '../../src/services/webhooks/dispatcher.js'
import type { Worker } from '../../src/worker/runner.js'

/**
 * The examples of examples/, each run as a user runs it (`npx tsx examples/x.ts`, a child process)
 * against a real server on 127.0.0.1: the SDK tests' sandbox (the demo tenant, catalog and stock of
 * `serve --demo`) with the job worker and the webhook dispatcher running beside it, as in `serve`,
 * so the examples' polls see orders fulfilled and webhooks delivered.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const CHILD_TIMEOUT_MS = 90_000

let sandbox: Sandbox
let worker: Worker
let dispatcher: WebhookDispatcher
beforeAll(async () => {
  sandbox = await startSandbox()
  worker = createWorker(sandbox.t.services, { workerId: 'examples-worker', pollIntervalMs: 50 })
  worker.start()
  dispatcher = createDispatcher(sandbox.t.services, { pollIntervalMs: 50 })
  await dispatcher.start()
})
afterAll(async () => {
  await Promise.all([worker?.stop(), dispatcher?.stop()])
  await sandbox?.close()
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `npx tsx examples/<name>.ts …args` with the sandbox's URL and key (or `env` over them). */
function example(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', `examples/${name}.ts`, ...args],
      {
        cwd: root,
        timeout: CHILD_TIMEOUT_MS,
        env: { ...process.env, OPENLINE_URL: sandbox.baseUrl, OPENLINE_API_KEY: sandbox.apiKey, ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The value printed after `label: ` on its line of the output. */
function field(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.startsWith(`${label}: `))
  if (!line) throw new Error(`no "${label}:" line in:\n${output}`)
  return line.slice(label.length + 2)
}

describe('examples/', { timeout: 2 * CHILD_TIMEOUT_MS }, () => {
  let subscriptionId: string

  it('crm-sign-up.ts signs a customer up for a line with an eSIM and prints its number and activation code', async () => {
    const run = await example('crm-sign-up', ['crm-example-1'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(field(run.stdout, 'customer')).toMatch(/^[0-9a-f-]{36} \(rid_crm-example-1\)$/)
    expect(run.stdout).toMatch(/^order: [0-9a-f-]{36} SUBMITTED$/m)
    expect(run.stdout).toMatch(/^order: [0-9a-f-]{36} COMPLETED$/m)
    subscriptionId = field(run.stdout, 'subscription').split(' ')[0] as string

    // What it printed is what the server holds.
    const client = sandbox.client()
    const subscription = await client.subscriptions.get(subscriptionId)
    expect(subscription).toMatchObject({ status: 'ACTIVATED', referenceId: 'crm-example-1-line-1' })
    expect((await client.customers.get(subscription.customerId)).referenceId).toBe('crm-example-1')
    expect(field(run.stdout, 'number')).toMatch(new RegExp(`^\\${subscription.msisdn} `))
    const qr = await client.subscriptions.esimQrCode(subscriptionId)
    expect(field(run.stdout, 'eSIM activation code')).toBe(
      `${qr.qrCodeData.replace(/^LPA:/, '')} (ICCID ${qr.metadata.iccid})`,
    )
  })

  it('self-care.ts lists the add-on options, previews one without keeping it, then adds it', async () => {
    const run = await example('self-care', [subscriptionId, 'addon-data-5gb'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toMatch(/^option: addon-data-5gb "Extra 5GB" 15 USD monthly$/m)
    expect(field(run.stdout, 'before')).toBe('0 add-on(s)')
    expect(field(run.stdout, 'preview')).toMatch(/^addon-data-5gb would be ACTIVE/)
    expect(field(run.stdout, 'after the preview')).toBe('0 add-on(s), unchanged')
    expect(field(run.stdout, 'after')).toBe('1 add-on(s)')
    const addonId = field(run.stdout, 'added').split(' ')[0]
    const { items } = await sandbox.client().subscriptions.addons.list(subscriptionId)
    expect(items.map((a) => [a.subscriptionAddonId, a.productOfferingId, a.status])).toEqual([
      [addonId, 'addon-data-5gb', 'ACTIVE'],
    ])
  })

  it('webhook-receiver.ts receives and verifies the event it triggers, then removes its endpoint', async () => {
    const run = await example('webhook-receiver')
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const customerId = field(run.stdout, 'triggered').replace('customer ', '')
    expect(run.stdout).toMatch(new RegExp(`^event: customer.created customer ${customerId} #1 `, 'm'))
    expect(field(run.stdout, 'verified')).toMatch(/^customer.created for Hook /)
    const endpointId = field(run.stdout, 'removed').replace('endpoint ', '')
    const left = await sandbox.client().get('/webhook-endpoints')
    expect(left.items.map((e) => e.webhookEndpointId)).not.toContain(endpointId)
  })

  it('exits non-zero with the reason when the server refuses it', async () => {
    const badKey = await example('crm-sign-up', [], { OPENLINE_API_KEY: 'ol_sandbox_not-a-key' })
    expect(badKey.code).toBe(1)
    expect(badKey.stderr).toMatch(/^Failed: 401 /m)
    const unknown = await example('self-care', ['rid_no-such-line'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^Failed: 404 /m)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StatementLog } from '../../helpers/statements.js'
import { statementLog } from '../../helpers/statements.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * How many SQL statements one `POST /subscriptions/{id}/addons` sends (docs/performance.md, "Write
 * path"): locking the subscription, inserting the add-on, its events and timeline row and the
 * idempotency record, plus what the rules and the answer truly need. Every statement counts,
 * `begin` and `commit` included. A change that reads something twice again fails here.
 */
// The snapshot's parts read with the lock; the numbers, events, timeline row and endpoint read in one statement.
const MOST = 10

let t: TestApp
let log: StatementLog
let world: World

beforeAll(async () => {
  log = await statementLog()
  t = await createTestApp({ database: log.database })
  world = await subscriptionWorld(t)
})
afterAll(() => t.close())

describe('statements of an add-on add', () => {
  it(`adds a new add-on with an idempotency key in at most ${MOST} statements, and the replay in fewer`, async () => {
    const sub = await makeSubscription(t, world)
    const send = (key: string) =>
      t.request(world.tenant, {
        method: 'POST',
        url: `/subscriptions/${sub.subscriptionId}/addons`,
        headers: { 'x-idempotency-key': key },
        payload: { productOfferingId: 'addon-data-1gb' },
      })
    const key = `addon-add-${sub.subscriptionId}`
    const { result: res, statements } = await log.record(() => send(key))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ status: 'ACTIVE', productOfferingId: 'addon-data-1gb' })
    if (process.env.TEST_LOG_SQL) console.log(statements.join('\n'))
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(MOST)

    const replay = await log.record(() => send(key))
    expect(replay.result.statusCode).toBe(201)
    expect(replay.result.json()).toEqual(res.json())
    expect(replay.statements.length).toBeLessThan(statements.length)
  })
})

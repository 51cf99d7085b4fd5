import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StatementLog } from '../../helpers/statements.js'
import { statementLog } from '../../helpers/statements.js'
import type { World } from '../../helpers/subscriptions.js'
import { getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * How many SQL statements one `POST /subscriptions/{id}/addons` sends (docs/performance.md, "Write
 * path"): locking the subscription, inserting the add-on, its events and timeline row and the
 * idempotency record, plus what the rules and the answer truly need. Every statement counts,
 * `begin` and `commit` included. A change that reads something twice again fails here.
 */
// The snapshot's customer and subscriber read with the lock, its port-in after it (a lock that waits
// re-reads only the locked row); the numbers, events, timeline row and endpoint read in one statement.
const MOST = 11

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

    // What the one statement of events wrote besides them: the timeline row, and the snapshot as GET shows it.
    const addonId = res.json().subscriptionAddonId as string
    const activated = (await timelineOf(t, world, sub.subscriptionId)).filter(
      (i) => i.kind === 'addon_activated' && i.details.subscriptionAddonId === addonId,
    )
    expect(activated).toMatchObject([{ state: 'DONE', details: { productOfferingId: 'addon-data-1gb' } }])
    const events = (
      await t.request(world.tenant, { method: 'GET', url: `/events?resourceId=${sub.subscriptionId}&limit=100` })
    ).json().items
    expect(events.at(-1)).toMatchObject({ type: 'subscription.updated' })
    expect(events.at(-1).data).toEqual(await getSubscription(t, world, sub.subscriptionId))

    const replay = await log.record(() => send(key))
    expect(replay.result.statusCode).toBe(201)
    expect(replay.result.json()).toEqual(res.json())
    expect(replay.statements.length).toBeLessThan(statements.length)
  })
})

import type pg from 'pg'
import type { OneShot } from './oneshot.js'
import { side, waitUntil } from './oneshot.js'

/** `count` active add-ons spread over `subscriptions`, tagged with `set` in their metadata, each with a due cancel. */
async function seed(
  pool: pg.Pool,
  tenantId: string,
  subscriptions: string[],
  set: string,
  count: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO subscription_addon (tenant_id, id, subscription_id, product_offering_id, status, added_at, activated_at,
       billing_anchor_at, metadata, created_at, updated_at)
     SELECT $1, gen_random_uuid(), ($2::uuid[])[1 + i % cardinality($2::uuid[])], 'bench-addon', 'ACTIVE',
       now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', jsonb_build_object('benchSet', $3::text),
       now() - interval '1 day', now() - interval '1 day'
     FROM generate_series(0, $4::int - 1) i`,
    [tenantId, subscriptions, set, count],
  )
  await pool.query(
    `INSERT INTO scheduled_change (tenant_id, id, target_type, target_id, kind, payload, effective_at, status,
       actor_type, actor_id, actor_label, created_at, updated_at)
     SELECT a.tenant_id, gen_random_uuid(), 'subscription_addon', a.id, 'cancel', '{}', now() - interval '1 minute',
       'PENDING', 'system', 'bench', 'bench', now() - interval '1 hour', now() - interval '1 hour'
     FROM subscription_addon a WHERE a.tenant_id = $1 AND a.metadata->>'benchSet' = $2`,
    [tenantId, set],
  )
  await pool.query('ANALYZE subscription_addon, scheduled_change')
}

// The bare side: every due cancel of its set applied in one statement: the change, the add-on, a
// timeline row and an event (numbered in its subscription's stream, as Openline numbers them).
const APPLY_ALL = `WITH due AS (
    UPDATE scheduled_change c SET status = 'APPLIED', updated_at = now()
    WHERE c.tenant_id = $1 AND c.target_type = 'subscription_addon' AND c.kind = 'cancel' AND c.status = 'PENDING'
      AND c.effective_at <= now()
      AND c.target_id IN (SELECT id FROM subscription_addon WHERE tenant_id = $1 AND metadata->>'benchSet' = $2)
    RETURNING c.id, c.target_id, c.effective_at
  ), ended AS (
    UPDATE subscription_addon a SET status = 'CANCELLED', cancelled_at = due.effective_at, updated_at = now()
    FROM due WHERE a.tenant_id = $1 AND a.id = due.target_id AND a.status = 'ACTIVE'
    RETURNING a.id, a.subscription_id, a.product_offering_id, due.id AS change_id, due.effective_at
  ), timeline AS (
    INSERT INTO timeline_entry (tenant_id, id, subject_type, subject_id, kind, effective_at, actor_type, actor_id,
      actor_label, details, scheduled_change_id, created_at)
    SELECT $1, gen_random_uuid(), 'subscription_addon', id, 'addon.cancelled', effective_at, 'system', 'bench', 'bench',
      '{}', change_id, now() FROM ended
  ), numbered AS (
    SELECT ended.*, row_number() OVER (PARTITION BY subscription_id ORDER BY id) AS rn,
      count(*) OVER (PARTITION BY subscription_id) AS n FROM ended
  ), streams AS (
    INSERT INTO event_stream (tenant_id, stream_type, stream_id, last_sequence)
    SELECT $1, 'subscription', subscription_id::text, max(n) FROM numbered GROUP BY subscription_id
    ON CONFLICT (tenant_id, stream_type, stream_id) DO UPDATE SET last_sequence = event_stream.last_sequence + excluded.last_sequence
    RETURNING stream_id, last_sequence
  ), events AS (
    INSERT INTO event (tenant_id, id, type, resource_type, resource_id, stream_type, stream_id, sequence, occurred_at,
      data, request_id, actor_type, actor_id, actor_label, created_at)
    SELECT $1, gen_random_uuid(), 'subscription.addon.cancelled', 'subscription_addon', numbered.id::text, 'subscription',
      streams.stream_id, streams.last_sequence - numbered.n + numbered.rn, numbered.effective_at,
      jsonb_build_object('subscriptionAddonId', numbered.id, 'subscriptionId', numbered.subscription_id,
        'productOfferingId', numbered.product_offering_id, 'status', 'CANCELLED'),
      NULL, 'system', 'bench', 'bench', now()
    FROM numbered JOIN streams ON streams.stream_id = numbered.subscription_id::text
    RETURNING 1
  ) SELECT count(*)::int AS applied FROM events`

const pendingOf = async (pool: pg.Pool, tenantId: string, set: string): Promise<number> =>
  (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM scheduled_change c JOIN subscription_addon a ON a.tenant_id = c.tenant_id AND a.id = c.target_id
       WHERE c.tenant_id = $1 AND c.status = 'PENDING' AND a.metadata->>'benchSet' = $2`,
      [tenantId, set],
    )
  ).rows[0]?.n ?? 0

const applyJobsLeft = async (pool: pg.Pool, tenantId: string): Promise<number> =>
  (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM job WHERE tenant_id = $1 AND kind = 'scheduled-change.apply' AND state IN ('queued', 'running')`,
      [tenantId],
    )
  ).rows[0]?.n ?? 0

/**
 * `count` add-on cancels due in the past (seeded in batched SQL for each side, on its own
 * subscriptions; the bare side's once Openline's are all applied). Openline: one
 * `scheduled-change.apply` job per add-on is queued in one INSERT, as scheduling them would have;
 * the clock runs until the worker of the `openline` process has applied every change (in batches,
 * OPENLINE_WORKER_CHANGE_BATCH_SIZE). Bare: one batched statement applying them all
 * (POST /bench/scheduled-changes/apply).
 */
export const scheduledChanges: OneShot = {
  name: 'worker: due scheduled changes applied',
  roundTrips:
    'Openline: its worker, one job per add-on (claim, lock, due changes, apply, events); bare: one statement for all (change, add-on, timeline row, numbered event)',
  async run({ fixture, pool, baselineUrl, timeoutMs, log }, count) {
    const { tenantId } = fixture
    await seed(pool, tenantId, fixture.subscriptions.openline, 'scheduled-openline', count)

    const started = performance.now()
    await pool.query(
      `INSERT INTO job (tenant_id, id, kind, payload, dedupe_key, state, run_at, attempts, max_attempts, created_at, updated_at)
       SELECT c.tenant_id, gen_random_uuid(), 'scheduled-change.apply',
         jsonb_build_object('targetType', c.target_type, 'targetId', c.target_id),
         c.target_type || ':' || c.target_id || ':' || to_char(c.effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'queued', c.effective_at, 0, 10, now(), now()
       FROM scheduled_change c JOIN subscription_addon a ON a.tenant_id = c.tenant_id AND a.id = c.target_id
       WHERE c.tenant_id = $1 AND c.status = 'PENDING' AND a.metadata->>'benchSet' = 'scheduled-openline'`,
      [tenantId],
    )
    await waitUntil(async () => (await pendingOf(pool, tenantId, 'scheduled-openline')) === 0, timeoutMs, 250)
    const openlineSeconds = (performance.now() - started) / 1000
    const applied = (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM subscription_addon WHERE tenant_id = $1 AND metadata->>'benchSet' = 'scheduled-openline' AND status = 'CANCELLED'`,
        [tenantId],
      )
    ).rows[0]?.n
    log(`scheduled changes: Openline applied ${applied} of ${count} in ${openlineSeconds.toFixed(2)} s`)

    // The bare side's changes are seeded only once Openline's worker has no apply job left: its
    // batches take any due change of the tenant, and would otherwise apply the bare side's too.
    await waitUntil(async () => (await applyJobsLeft(pool, tenantId)) === 0, timeoutMs, 250)
    await seed(pool, tenantId, fixture.subscriptions.baseline, 'scheduled-baseline', count)
    const bareStarted = performance.now()
    const response = await fetch(`${baselineUrl}/bench/scheduled-changes/apply`, { method: 'POST' })
    const body = (await response.json()) as { applied?: number }
    if (!response.ok || typeof body.applied !== 'number')
      throw new Error(`the bare side's apply answered ${response.status}: ${JSON.stringify(body)}`)
    const bareApplied = body.applied
    const bareSeconds = (performance.now() - bareStarted) / 1000
    log(`scheduled changes: bare applied ${bareApplied} of ${count} in ${bareSeconds.toFixed(2)} s`)
    return { openline: side(applied ?? 0, count, openlineSeconds), baseline: side(bareApplied, count, bareSeconds) }
  },
  baselineRoute(app, { pool, tenantId }) {
    app.post('/bench/scheduled-changes/apply', async () => {
      const { rows } = await pool.query<{ applied: number }>(APPLY_ALL, [tenantId, 'scheduled-baseline'])
      return { applied: rows[0]?.applied ?? 0 }
    })
  },
}

/**
 * A self-care app lets a subscriber buy an add-on for their line:
 *
 *   1. the add-ons the line has, and the ones it can take (`addon-options`);
 *   2. a preview of adding one (`dryRun: true`, i.e. `Prefer: dry-run`): the server answers exactly
 *      what it would, then keeps nothing, so the app can show the result before the subscriber confirms;
 *   3. the add-on added for real, and the line's add-ons after.
 *
 *   npx tsx examples/self-care.ts [subscription] [add-on offering]
 *
 * The subscription is a UUID or `rid_<your reference>` (default: the first ACTIVATED line; run
 * examples/crm-sign-up.ts to make one); the add-on defaults to the first option offered.
 */
import type { Openline, SubscriptionAddon } from '@openline/sdk'
import { connect, main } from './connect.js'

main(async () => {
  const ol = connect()
  const subscriptionId = process.argv[2] ?? (await firstActiveLine(ol))
  const subscription = await ol.subscriptions.get(subscriptionId)
  console.log(`subscription: ${subscription.subscriptionId} ${subscription.msisdn} (${subscription.productOfferingId})`)

  const before = await activeAddons(ol, subscription.subscriptionId)
  print('before', before)
  const { items: options } = await ol.subscriptions.addons.options(subscription.subscriptionId)
  for (const o of options)
    console.log(`option: ${o.productOfferingId} "${o.productOffering.name}" ${price(o.productOffering.price)}`)
  const choice = process.argv[3] ?? options[0]?.productOfferingId
  if (!choice) throw new Error('This line can take no add-on.')

  const preview = await ol.subscriptions.addons.add(
    subscription.subscriptionId,
    { productOfferingId: choice },
    { dryRun: true },
  )
  console.log(
    `preview: ${preview.productOfferingId} would be ${preview.status} (${preview.pendingStatus?.scheduledAt ?? 'now'})`,
  )
  const untouched = await activeAddons(ol, subscription.subscriptionId)
  if (untouched.length !== before.length) throw new Error('The preview changed the line.')
  console.log(`after the preview: ${untouched.length} add-on(s), unchanged`)

  const added = await ol.subscriptions.addons.add(subscription.subscriptionId, { productOfferingId: choice })
  console.log(`added: ${added.subscriptionAddonId} ${added.productOfferingId} ${added.status}`)
  print('after', await activeAddons(ol, subscription.subscriptionId))
})

async function firstActiveLine(ol: Openline): Promise<string> {
  for await (const s of ol.subscriptions.list({ status: ['ACTIVATED'], limit: 1 })) return s.subscriptionId
  throw new Error('No ACTIVATED subscription: run examples/crm-sign-up.ts first, or pass one.')
}

async function activeAddons(ol: Openline, subscriptionId: string): Promise<SubscriptionAddon[]> {
  const { items } = await ol.subscriptions.addons.list(subscriptionId)
  return items.filter((a) => a.status === 'ACTIVE' || a.status === 'PENDING')
}

function print(when: string, addons: SubscriptionAddon[]): void {
  console.log(`${when}: ${addons.length} add-on(s)`)
  for (const a of addons) console.log(`  ${a.productOfferingId} ${a.status} since ${a.activatedAt ?? a.addedAt}`)
}

function price(p: { netPrice: number; currency: string; billingCycle: { period: string } | null }): string {
  return `${p.netPrice} ${p.currency}${p.billingCycle ? ` ${p.billingCycle.period.toLowerCase()}` : ' once'}`
}

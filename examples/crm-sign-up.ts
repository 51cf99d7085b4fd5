/**
 * A CRM signs up a new customer for a mobile line with an eSIM:
 *
 *   1. the customer, under the CRM's own id (`referenceId`), so the CRM never stores Openline's UUIDs;
 *   2. a number leased from the pool, and an order for a plan on it with an eSIM, addressed to the
 *      customer by `rid('crm-…')`;
 *   3. the order submitted, and polled (bounded) until the worker has fulfilled it;
 *   4. the new subscription, its number and the eSIM activation code, for the welcome e-mail.
 *
 *   npx tsx examples/crm-sign-up.ts [crm-id] [plan]     (defaults: a fresh crm-… id, mobile-plan-plus)
 */
import { randomUUID } from 'node:crypto'
import type { Order } from '@openline/sdk'
import { rid } from '@openline/sdk'
import { connect, main, poll } from './connect.js'

const DONE: readonly Order['status'][] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']

main(async () => {
  const crmId = process.argv[2] ?? `crm-${randomUUID().slice(0, 8)}`
  const plan = process.argv[3] ?? 'mobile-plan-plus'
  const ol = connect()

  const customer = await ol.customers.create({
    customerType: 'CONSUMER',
    name: 'Maria Lopez',
    referenceId: crmId,
    contact: { email: `${crmId}@example.com` },
  })
  console.log(`customer: ${customer.customerId} (${rid(crmId)})`)

  // A number from the pool is held for us by its lease token until the order takes it.
  const lease = await ol.numbers.lease({ types: ['CELL'], count: 1 })
  const msisdn = lease.numbers[0]?.msisdn
  if (!msisdn) throw new Error('The number pool answered no number.')

  const order = await ol.orders.create({
    customer: { customerId: rid(crmId) },
    lineItems: [
      {
        type: 'SUBSCRIPTION',
        productOfferingId: plan,
        msisdn,
        leaseToken: lease.leaseToken,
        subscriber: { name: customer.name },
        sim: { esim: true },
        referenceId: `${crmId}-line-1`,
      },
    ],
    metadata: { source: 'crm-sign-up example' },
  })
  if (!order.validation.isValid) throw new Error(`The order is not valid: ${JSON.stringify(order.validation)}`)
  const { pricing } = await ol.orders.calculatePrice(order.orderId)
  console.log(`order: ${order.orderId} priced ${pricing?.total} ${pricing?.currency}`)

  const submitted = await ol.orders.submit(order.orderId)
  console.log(`order: ${submitted.orderId} ${submitted.status}`)
  const done = await poll('the order to be fulfilled', async () => {
    const current = await ol.orders.get(order.orderId)
    return DONE.includes(current.status) ? current : undefined
  })
  if (done.status !== 'COMPLETED')
    throw new Error(`The order ended ${done.status}: ${JSON.stringify(done.failure ?? done.validation)}`)
  console.log(`order: ${done.orderId} ${done.status}`)

  const subscriptionId = done.createdEntities?.subscriptions?.[0]?.subscriptionId
  if (!subscriptionId) throw new Error('The completed order created no subscription.')
  const subscription = await ol.subscriptions.get(subscriptionId)
  const esim = await ol.subscriptions.esimQrCode(subscriptionId)
  console.log(`subscription: ${subscription.subscriptionId} ${subscription.status} (${subscription.productOfferingId})`)
  console.log(`number: ${subscription.msisdn} (${subscription.display})`)
  // The QR code encodes `LPA:` + the activation code; a phone without a camera takes the code typed in.
  console.log(`eSIM activation code: ${esim.qrCodeData.replace(/^LPA:/, '')} (ICCID ${esim.metadata.iccid})`)
})

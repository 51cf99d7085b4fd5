import type { OrderFulfilment } from '../../services/orders/order-fulfilment.js'
import type { JobHandler } from '../runner.js'

export { EXPIRE_ORDER, FULFIL_ORDER } from '../../services/orders/order.service.js'

/** Fulfils a submitted order (OrderFulfilment.fulfil is safe to run twice; it fails the order when the last attempt fails). */
export const fulfilOrder =
  (fulfilment: OrderFulfilment): JobHandler =>
  async (job) => {
    await fulfilment.fulfil(job.tenantId, String(job.payload.orderId), {
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
    })
  }

/** Expires an order left untouched for 7 days. */
export const expireOrder =
  (fulfilment: OrderFulfilment): JobHandler =>
  async (job) => {
    await fulfilment.expire(job.tenantId, String(job.payload.orderId))
  }

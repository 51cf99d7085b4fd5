import type { Openline } from './client.js'
import type { Body, CallOptions, Query } from './types.js'

/**
 * Shorthands for the operations the README's tour uses, grouped by resource. Each is one line over
 * the typed `request`/`list`; anything else is `client.get/post/put/patch/delete(path, …)`.
 */
export function resources(ol: Openline) {
  const customers = {
    create: (body: Body<'/customers', 'post'>, options?: CallOptions) => ol.post('/customers', { body, ...options }),
    get: (customerId: string) => ol.get('/customers/{customerId}', { params: { path: { customerId } } }),
    update: (customerId: string, body: Body<'/customers/{customerId}', 'put'>, options?: CallOptions) =>
      ol.put('/customers/{customerId}', { params: { path: { customerId } }, body, ...options }),
    list: (query?: Query<'/customers', 'get'>) => ol.list('/customers', { params: { query } }),
  }
  const productOfferings = {
    get: (productOfferingId: string) =>
      ol.get('/product-offerings/{productOfferingId}', { params: { path: { productOfferingId } } }),
    list: (query?: Query<'/product-offerings', 'get'>) => ol.list('/product-offerings', { params: { query } }),
  }
  const numbers = {
    lease: (body: Body<'/inventory/lease-numbers', 'post'>, options?: CallOptions) =>
      ol.post('/inventory/lease-numbers', { body, ...options }),
    list: (query?: Query<'/inventory/numbers', 'get'>) => ol.list('/inventory/numbers', { params: { query } }),
  }
  const sims = {
    get: (iccid: string) => ol.get('/inventory/sims/{iccid}', { params: { path: { iccid } } }),
    list: (query?: Query<'/inventory/sims', 'get'>) => ol.list('/inventory/sims', { params: { query } }),
  }
  const orders = {
    create: (body: Body<'/orders', 'post'>, options?: CallOptions) => ol.post('/orders', { body, ...options }),
    get: (orderId: string) => ol.get('/orders/{orderId}', { params: { path: { orderId } } }),
    list: (query?: Query<'/orders', 'get'>) => ol.list('/orders', { params: { query } }),
    calculatePrice: (orderId: string, options?: CallOptions) =>
      ol.post('/orders/{orderId}/calculate-price', { params: { path: { orderId } }, ...options }),
    submit: (orderId: string, body: Body<'/orders/{orderId}/submit', 'post'> = {}, options?: CallOptions) =>
      ol.post('/orders/{orderId}/submit', { params: { path: { orderId } }, body, ...options }),
    cancel: (orderId: string, options?: CallOptions) =>
      ol.post('/orders/{orderId}/cancel', { params: { path: { orderId } }, ...options }),
  }
  const path = (subscriptionId: string) => ({ params: { path: { subscriptionId } } })
  const addons = {
    list: (subscriptionId: string, query?: Query<'/subscriptions/{subscriptionId}/addons', 'get'>) =>
      ol.get('/subscriptions/{subscriptionId}/addons', { params: { path: { subscriptionId }, query } }),
    options: (subscriptionId: string) => ol.get('/subscriptions/{subscriptionId}/addon-options', path(subscriptionId)),
    add: (
      subscriptionId: string,
      body: Body<'/subscriptions/{subscriptionId}/addons', 'post'>,
      options?: CallOptions,
    ) => ol.post('/subscriptions/{subscriptionId}/addons', { ...path(subscriptionId), body, ...options }),
    get: (subscriptionId: string, subscriptionAddonId: string) =>
      ol.get('/subscriptions/{subscriptionId}/addons/{subscriptionAddonId}', {
        params: { path: { subscriptionId, subscriptionAddonId } },
      }),
    cancel: (
      subscriptionId: string,
      body: Body<'/subscriptions/{subscriptionId}/addons/cancel', 'post'>,
      options?: CallOptions,
    ) => ol.post('/subscriptions/{subscriptionId}/addons/cancel', { ...path(subscriptionId), body, ...options }),
  }
  const subscriptions = {
    get: (subscriptionId: string) => ol.get('/subscriptions/{subscriptionId}', path(subscriptionId)),
    list: (query?: Query<'/subscriptions', 'get'>) => ol.list('/subscriptions', { params: { query } }),
    cancel: (
      subscriptionId: string,
      body: Body<'/subscriptions/{subscriptionId}/cancel', 'post'>,
      options?: CallOptions,
    ) => ol.post('/subscriptions/{subscriptionId}/cancel', { ...path(subscriptionId), body, ...options }),
    changeProductOffering: (
      subscriptionId: string,
      body: Body<'/subscriptions/{subscriptionId}/product-offering-change', 'put'>,
      options?: CallOptions,
    ) =>
      ol.put('/subscriptions/{subscriptionId}/product-offering-change', { ...path(subscriptionId), body, ...options }),
    timeline: (subscriptionId: string) => ol.get('/subscriptions/{subscriptionId}/timeline', path(subscriptionId)),
    esimQrCode: (subscriptionId: string) => ol.get('/subscriptions/{subscriptionId}/esim/qrcode', path(subscriptionId)),
    addons,
  }
  const webhookEndpoints = {
    create: (body: Body<'/webhook-endpoints', 'post'>, options?: CallOptions) =>
      ol.post('/webhook-endpoints', { body, ...options }),
    rotateSecret: (
      webhookEndpointId: string,
      body: Body<'/webhook-endpoints/{webhookEndpointId}/rotate-secret', 'post'> = {},
      options?: CallOptions,
    ) =>
      ol.post('/webhook-endpoints/{webhookEndpointId}/rotate-secret', {
        params: { path: { webhookEndpointId } },
        body,
        ...options,
      }),
    list: () => ol.list('/webhook-endpoints'),
  }
  const testClock = {
    get: () => ol.get('/test-clock'),
    advance: (body: Body<'/test-clock/advance', 'post'>, options?: CallOptions) =>
      ol.post('/test-clock/advance', { body, ...options }),
  }
  return { customers, productOfferings, numbers, sims, orders, subscriptions, webhookEndpoints, testClock }
}

export type Resources = ReturnType<typeof resources>

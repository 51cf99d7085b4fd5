/** The catalog's domain, in one import for the areas built on it (subscriptions, add-ons, orders). */
export * from './offering.js'
export * from './promotion.js'
export * from './views.js'

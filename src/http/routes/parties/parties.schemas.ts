/** The schemas other areas embed: import them from here. */
export { Address, Customer, EmbeddedCustomer, EmbeddedSubscriber, Subscriber, User } from './party.schemas.js'

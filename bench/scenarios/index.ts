import { addAddon } from './add-addon.js'
import { createApiKey } from './create-api-key.js'
import { getApiKey } from './get-api-key.js'
import { listDeepPage, listFirstPage } from './list-customers.js'
import type { Scenario } from './scenario.js'

/** Every load scenario the harness runs, in order. A new one is a file in this folder and a line here. */
export const scenarios: Scenario[] = [getApiKey, createApiKey, addAddon, listFirstPage, listDeepPage]

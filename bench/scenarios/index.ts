import { createApiKey } from './create-api-key.js'
import { getApiKey } from './get-api-key.js'
import type { Scenario } from './scenario.js'

/** Every scenario the harness runs, in order. A new one is a file in this folder and a line here. */
export const scenarios: Scenario[] = [getApiKey, createApiKey]

// The food domain: GS1 EPCIS 2.0 events, products, recalls and inspections; the Digital Link resolver
// with the consumer page, the EPCIS query interface, the FSMA 204 export and lot labels.

import { warmUpTraces } from './trace-warm-up.js'
import { FOOD_ACTION_FORMS } from './action-forms.js'
import type { Domain } from '../domain.js'
import { siblingModule } from '../domain.js'
import { CaptureService } from './capture.js'
import { captureRoutes } from './http/capture-routes.js'
import { foodConsoleRoutes } from './http/console-routes.js'
import { epcisRestRoutes } from './http/epcis-rest-routes.js'
import { eventRoutes } from './http/event-routes.js'
import { labelRoutes } from './http/label-routes.js'
import { foodRoutes } from './http/resolver-routes.js'
import { foodKinds } from './kinds.js'
import { buildEventIdIndex } from './event-ids.js'
import { buildGs1KeyIndex } from './key-upgrade.js'
import { buildAdjacencyIndex } from './adjacency.js'
import { buildLotBalanceIndex } from './lot-balance.js'
import { buildBestBeforeIndex } from './best-before-index.js'
import { buildRecallDueIndex, recallOverdueAlertSource } from './inspection.js'
import { buildItemOfLotIndex, buildRecallIndex } from './recall-index.js'
import { buildShipmentIndex } from './shipment-index.js'
import { buildLotIndex } from './lot-index.js'
import { foodAlertIds, recentLots, searchLots } from './web/search.js'

/** Who signs food statements: the chain's businesses, regulators, and labs that test lots. */
export const FOOD_ROLES = ['farm', 'processor', 'logistics', 'retailer', 'regulator', 'lab'] as const

export const domain: Domain = {
  name: 'food',
  roles: FOOD_ROLES,
  kinds: () => foodKinds,
  checkModule: siblingModule(import.meta.url, 'kinds'),
  alertSources: () => [recallOverdueAlertSource()],
  actionForms: FOOD_ACTION_FORMS,
  async routes(app, { ledger, clock, baseUrl, independentVerifier, servedCheckpoint, witnessMin, capture }) {
    await app.register(foodRoutes, {
      ledger,
      baseUrl,
      ...(independentVerifier !== undefined ? { independentVerifier } : {}),
      ...(servedCheckpoint ? { servedCheckpoint } : {}),
      ...(witnessMin !== undefined ? { witnessMin } : {}),
    })
    await app.register(eventRoutes, { ledger, clock })
    await app.register(epcisRestRoutes, { ledger, clock })
    await app.register(labelRoutes, { ledger, baseUrl })
    await app.register(foodConsoleRoutes, { ledger, clock })
    if (capture && ledger.primary === undefined) {
      const { intakeBytes, ...setup } = capture
      const service = new CaptureService({ ledger, clock, ...setup })
      // Jobs a stopped node left running go on once it serves; a closing node stops after the slice in hand.
      app.addHook('onReady', async () => void service.resume())
      app.addHook('onClose', async () => service.close())
      await app.register(captureRoutes, { capture: service, intakeBytes })
    }
  },
  lots: { recentLots, searchLots, ...foodAlertIds },
  async warmUp(records, signal) {
    const { traces, ms } = await warmUpTraces(records, { signal })
    return `${traces} traces in ${Math.round(ms)} ms`
  },
  async upgradeStore(store) {
    await buildRecallIndex(store)
    await buildEventIdIndex(store)
    await buildGs1KeyIndex(store)
    // Last: built from the edges and moves as the upgrades above leave them.
    await buildAdjacencyIndex(store)
    await buildLotBalanceIndex(store)
    await buildBestBeforeIndex(store)
    await buildRecallDueIndex(store)
    await buildShipmentIndex(store)
    await buildItemOfLotIndex(store)
    await buildLotIndex(store)
  },
}

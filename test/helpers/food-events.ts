// EPCIS bodies, and a node to record them on, that the food tests use over and over.

import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Envelope } from '../../src/core/dsse.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, type TestNode } from './ledger.js'
import { testDir } from './test-dir.js'

/** A food.event body: `goods` commissioned on 26 May 2026, e.g. { epcList: [...] } or { quantityList: [...] }. */
export function commissioning(goods: Record<string, unknown>): Record<string, unknown> {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'ObjectEvent',
    eventTime: '2026-05-26T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    ...goods,
  }
}

/**
 * A node and its app (closed at teardown) with one processor, mill-01, at `site`; `sign` makes its statements.
 * The bounded-walk regressions build their graphs with it.
 */
export async function millNode(t: Test, site: string): Promise<{ node: TestNode; app: FastifyInstance; sign: (type: string, body: Record<string, unknown>) => Envelope }> {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const mill = await node.register('mill-01', ['processor'], { locations: [site] })
  return { node, app, sign: (type, body) => node.statement({ type, actor: 'mill-01', body }, [mill]) }
}

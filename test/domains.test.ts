// The domain list is wired everywhere it must be: every kind has a schema and reaches the ledger
// through the app, every kind with a check runs in the check pool's threads, every role a kind names
// is one actor.register accepts, and every domain's routes are served.

import { readFileSync } from 'node:fs'
import t from 'tap'
import Fastify from 'fastify'
import { DOMAIN_KIND_MODULES, DOMAIN_KINDS } from '../src/cli/node-dir.js'
import { DOMAINS, domainRoles } from '../src/domains.js'
import { buildApp } from '../src/http/app.js'
import type { StatementKind } from '../src/ledger/kinds.js'
import { loadSchemas } from '../src/ledger/schemas.js'
import { makeNode } from './helpers/ledger.js'
import { testDir } from './helpers/test-dir.js'

t.test('every kind with a check is loaded by the check workers from its own module', async (t) => {
  const pooled = new Map<string, StatementKind>()
  for (const url of DOMAIN_KIND_MODULES) {
    for (const kind of ((await import(url)) as { kinds?: StatementKind[] }).kinds ?? []) pooled.set(kind.type, kind)
  }
  const checked = DOMAIN_KINDS.filter((kind) => kind.check)
  t.ok(checked.length > 0, `kinds with checks: ${checked.map((k) => k.type).join(', ')}`)
  for (const kind of checked) t.ok(pooled.get(kind.type)?.check, `${kind.type}: its check runs in the workers`)
  for (const domain of DOMAINS) {
    if (domain.kinds().some((kind) => kind.check)) t.ok(domain.checkModule && DOMAIN_KIND_MODULES.includes(domain.checkModule), `${domain.name} names its check module`)
  }
})

t.test('kinds have schemas and unique types; their roles are the ones actor.register accepts', async (t) => {
  const types = DOMAIN_KINDS.map((kind) => kind.type)
  t.equal(new Set(types).size, types.length, 'no type twice')
  const schemas = loadSchemas()
  for (const type of types) t.ok(schemas.validator(type), `schemas/${type}.json`)
  for (const domain of DOMAINS) for (const kind of domain.kinds()) t.ok(kind.type.startsWith(`${domain.name}.`), `${kind.type} is named for ${domain.name}`)

  const roles = domainRoles()
  const schema = JSON.parse(readFileSync(new URL('../schemas/actor.register.json', import.meta.url), 'utf8')) as {
    properties: { roles: { items: { enum: string[] } } }
  }
  t.same(schema.properties.roles.items.enum, roles, "actor.register's roles are admin and the domains' roles, in order")
  for (const kind of DOMAIN_KINDS) {
    if (kind.roles === 'any') continue
    for (const role of kind.roles) t.ok(roles.includes(role), `${kind.type}: ${role} is declared`)
  }
  t.ok(roles.includes('lab'), 'the food domain declares lab')
})

t.test('every domain kind reaches the ledger through the app, and every domain route is served', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  for (const kind of DOMAIN_KINDS) {
    const envelope = node.statement({ type: kind.type, actor: 'operator', body: { unexpected: true } }, [node.operator])
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })
    t.equal(response.json().code, 'SCHEMA_INVALID', `${kind.type} is known: its body is checked`)
  }
  const unknown = node.statement({ type: 'food.nothing', actor: 'operator', body: {} }, [node.operator])
  t.equal((await app.inject({ method: 'POST', url: '/v1/statements', payload: unknown })).json().code, 'STATEMENT_TYPE_UNKNOWN')
  t.equal(node.ledger.size, 1, 'nothing written')

  for (const domain of DOMAINS) {
    if (!domain.routes) continue
    const routes: { method: string; url: string }[] = []
    const alone = Fastify()
    alone.addHook('onRoute', ({ method, url }) => {
      for (const m of [method].flat()) routes.push({ method: m, url })
    })
    await alone.register(domain.routes, { ledger: node.ledger, clock: () => new Date(), baseUrl: 'http://127.0.0.1' })
    await alone.ready()
    await alone.close()
    t.ok(routes.length > 0, `${domain.name} has routes`)
    for (const route of routes) t.ok(app.hasRoute(route), `${domain.name}: ${route.method} ${route.url}`)
  }
})

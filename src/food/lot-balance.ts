// A lot's produced and consumed amounts, kept as running sums beside its quantity moves: MASS_BALANCE
// reads one record per input of a transformation instead of every move the lot ever had (a range read
// the sequencer waited for, and which grew with each use of the lot). A correction recomputes the sums
// of the lots it touches from their moves, once.

import type { RecordReader } from '../ledger/kinds.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { SEP, prefixRange } from '../store/keys.js'
import { buildIndexOnce } from '../store/index-build.js'
import { inEffect } from './correction-index.js'
import { kilograms } from './objects.js'
import { SPACES, type QuantityMove } from './records.js'

/** The store meta key saying every lot's sums were built from the moves written before they existed. */
export const LOT_BALANCE_INDEX_META = 'food.lot-balance-index'
const BUILD_BATCH = 2_000

export interface Sums {
  produced: number
  consumed: number
}

/** The running sums of a lot's moves in effect, in seq order ('in' before 'out' within one seq). */
export interface LotBalanceRecord {
  /** the unit of the first move (KGM while there is none) */
  first: string
  /** per unit as written, in the order first seen: the amounts as written */
  units: UnitSums[]
  /** the moves in units of mass, in kilograms */
  kg: Sums
}

export interface UnitSums extends Sums {
  uom: string
}

export interface LotBalance {
  produced: number
  consumed: number
  uom: string
}

/** A writer of records that sees its own writes: a rule's context. */
interface RecordWriter extends RecordReader {
  put(space: string, key: string, value: unknown): void
}

/** Adds an amount as lotBalance always counted it: by its sign, not by which list named the lot. */
function add(sums: Sums, amount: number): void {
  if (amount >= 0) sums.produced += amount
  else sums.consumed -= amount
}

/** `held` (or nothing yet) with `moves` added, which come after everything it holds. */
export function withMoves(held: LotBalanceRecord | undefined, moves: readonly QuantityMove[]): LotBalanceRecord {
  const record: LotBalanceRecord = held
    ? { first: held.first, units: held.units.map((sums) => ({ ...sums })), kg: { ...held.kg } }
    : { first: 'KGM', units: [], kg: { produced: 0, consumed: 0 } }
  for (const move of moves) {
    if (record.units.length === 0) record.first = move.uom
    let sums = record.units.find((unit) => unit.uom === move.uom)
    if (sums === undefined) record.units.push((sums = { uom: move.uom, produced: 0, consumed: 0 }))
    add(sums, move.quantity)
    const kg = kilograms(move.quantity, move.uom)
    if (kg !== undefined) add(record.kg, kg)
  }
  return record
}

/** Produced and consumed amounts of a lot: kilograms where every move's unit allows, else its first unit's. */
export function balanceOf(record: LotBalanceRecord | undefined): LotBalance {
  if (record === undefined) return { produced: 0, consumed: 0, uom: 'KGM' }
  if (record.units.every(({ uom }) => kilograms(1, uom) !== undefined)) return { ...record.kg, uom: 'KGM' }
  const sums = record.units.find(({ uom }) => uom === record.first) as UnitSums
  return { produced: sums.produced, consumed: sums.consumed, uom: record.first }
}

export async function lotBalance(reader: RecordReader, key: string): Promise<LotBalance> {
  return balanceOf(await reader.get<LotBalanceRecord>(SPACES.lotBalance, key))
}

/** Records one event's moves (at most one 'in' and one 'out' per lot, 'in' first) in their lots' sums. */
export async function addLotMoves(writer: RecordWriter, moves: ReadonlyMap<string, QuantityMove[]>): Promise<void> {
  for (const [lot, added] of moves) {
    writer.put(SPACES.lotBalance, lot, withMoves(await writer.get<LotBalanceRecord>(SPACES.lotBalance, lot), added))
  }
}

/** The sums of `lot` from its moves in effect, as the writer sees them now (after a correction stamped some). */
export async function recomputeLotBalance(writer: RecordWriter, lot: string): Promise<void> {
  const moves = (await writer.range<QuantityMove>(SPACES.quantity, prefixRange(lot))).map(([, move]) => move).filter(inEffect)
  writer.put(SPACES.lotBalance, lot, withMoves(undefined, moves))
}

/**
 * Builds the sums of a store whose moves were written before they existed, once: the quantity space is
 * read in key order (lot, seq, 'in' before 'out'), so each lot's moves arrive together and in order. A node
 * stopped midway builds them again at its next open; then LOT_BALANCE_INDEX_META.
 */
export async function buildLotBalanceIndex(store: LevelStore): Promise<void> {
  // The lot whose moves are being read, and its moves in effect so far.
  let lot: string | undefined
  let moves: QuantityMove[] = []
  let lots = 0
  const close = (): RecordWrite[] => {
    if (lot === undefined) return []
    lots++
    return [{ space: SPACES.lotBalance, key: lot, value: withMoves(undefined, moves) }]
  }
  await buildIndexOnce<QuantityMove>(store, {
    meta: LOT_BALANCE_INDEX_META,
    version: 1,
    space: SPACES.quantity,
    batch: BUILD_BATCH,
    writesOf: (key, move) => {
      const own = key.slice(0, key.indexOf(SEP))
      let closed: RecordWrite[] = []
      if (own !== lot) {
        closed = close()
        lot = own
        moves = []
      }
      if (inEffect(move)) moves.push(move)
      return closed
    },
    end: close,
    summary: () => ({ lots }),
  })
}

// Sums of CNY amounts as the statements write them. A statement's number is decimal text (RFC 8785 writes the
// shortest that reads back as the same double); adding the doubles instead rounds at each step, and
// 33333.02 + 33333.03 + 33333.95 comes to 99999.99999999999, short of a threshold of 100000 that the amounts
// reach. Pure and browser-safe: the node's alerts and the pages' views add the same way.

/** A number as its shortest decimal text says it: digits × 10^exponent, exactly. */
interface Decimal {
  digits: bigint
  exponent: number
}

/** Throws RangeError for a number that is not finite. */
function decimalOf(value: number): Decimal {
  if (!Number.isFinite(value)) throw new RangeError(`an amount must be a finite number, got ${value}`)
  const [mantissa, power = '0'] = String(value).split('e')
  const [whole, fraction = ''] = mantissa.split('.')
  return { digits: BigInt(whole + fraction), exponent: Number(power) - fraction.length }
}

/**
 * The sum of `amounts` (a negative one subtracts) as their decimal texts add up, as the nearest double: amounts
 * that add up to a threshold reach it. Throws RangeError for a number that is not finite.
 */
export function sumOfAmounts(amounts: readonly number[]): number {
  const decimals = amounts.map(decimalOf)
  const exponent = Math.min(0, ...decimals.map((d) => d.exponent))
  const digits = decimals.reduce((sum, d) => sum + d.digits * 10n ** BigInt(d.exponent - exponent), 0n)
  return Number(`${digits}e${exponent}`)
}

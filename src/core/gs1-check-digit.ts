// The GS1 check digit, apart from the linters that also use it: a page that reads only the common identifiers
// (food/identifier-forms.ts) carries this and not the syntax dictionary's linters. Pure.

/** The GS1 check digit (General Specifications §7.9.1): weights 3, 1, 3, ... from the rightmost digit. Throws TypeError for non-digits. */
export function gs1CheckDigit(digitsWithoutCheck: string): string {
  if (typeof digitsWithoutCheck !== 'string' || !/^\d+$/.test(digitsWithoutCheck)) {
    throw new TypeError(`"digitsWithoutCheck" expected decimal digits, got ${JSON.stringify(digitsWithoutCheck)}`)
  }
  let sum = 0
  for (let i = digitsWithoutCheck.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digitsWithoutCheck.charCodeAt(i) - 48) * weight
  }
  return String((10 - (sum % 10)) % 10)
}

// Free text as a page shows it: whether it shows anything at all, and its Unicode bidi controls (UAX #9
// explicit embeddings, overrides, isolates) closed within it, so that they cannot reorder the text after it.

/** A character that draws ink, or at least is not one of the blanks a reader cannot tell from nothing. */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\u2800]/u

/** True when `text` (attacker-controlled) has a character a reader sees. */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text)
}

const PDF = '\u202c'
const PDI = '\u2069'
/** LRE RLE PDF LRO RLO, LRI RLI FSI PDI */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g

/**
 * `text` (attacker-controlled) with each embedding, override or isolate it opens closed at its end, and each
 * PDF or PDI that would close one opened before it left out (UAX #9 X6a, X7). Where it stands in a line, an
 * open U+202E or U+2067 in a name drew the node's words after it reversed. Isolating the element that holds
 * the text (<bdi>, unicode-bidi: isolate) does not hold in Chromium: a U+2069 in the text ends the isolate.
 */
export function bidiClosed(text: string): string {
  /** the closer each open control is owed, innermost last */
  const owed: string[] = []
  const kept = text.replace(BIDI_CONTROLS, (control) => {
    if (control === PDF) return owed.at(-1) === PDF ? (owed.pop(), control) : ''
    if (control === PDI) {
      const isolate = owed.lastIndexOf(PDI)
      if (isolate < 0) return ''
      owed.length = isolate
      return control
    }
    owed.push(control >= '\u2066' ? PDI : PDF)
    return control
  })
  return kept + owed.reverse().join('')
}

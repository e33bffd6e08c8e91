// Whether a text shows anything: a name that is empty, blank or made only of characters that draw nothing
// (Unicode's default-ignorable code points, format controls, spaces, the blank braille pattern) reads as no name.

/** A character that draws ink, or at least is not one of the blanks a reader cannot tell from nothing. */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\u2800]/u

/** True when `text` (attacker-controlled) has a character a reader sees. */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text)
}

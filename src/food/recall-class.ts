// The classes of a recall, and which recall of a lot stands (the lot's recall record, which its pages and the
// alerts cite). Pure: the console's recall page reads the classes too.

/**
 * The hours within which a recall of each class must start once the risk is known, by China's 食品召回管理办法
 * (一级 24 h, 二级 48 h, 三级 72 h), the same classes as the FDA's (food.recall's severity).
 */
export const RECALL_START_HOURS: Readonly<Record<string, number>> = { 'class-i': 24, 'class-ii': 48, 'class-iii': 72 }

/**
 * Whether a later recall replaces the one that stands for a lot: one of a more serious class (less time to start
 * it) does, and so does one by the standing recall's own signer, who may revise it (a regulator lowering its
 * class after an investigation). Any other stands aside: a producer's "precaution only" after the regulator's
 * class-i is in the log but changes neither the lot's pages nor which recall alerts cite.
 */
export function replacesRecall(standing: { severity: string; by: string }, later: { severity: string; by: string }): boolean {
  return later.by === standing.by || RECALL_START_HOURS[later.severity] < RECALL_START_HOURS[standing.severity]
}

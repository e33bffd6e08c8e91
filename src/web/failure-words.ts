// What the page verifier says failed, by check (verify-log.ts Failure, verify-bound.ts PageFailure), in the
// page's language. The node's page scripts resolve this module to web/failure-words-on-demand.ts (web/bundle.ts):
// a page that verifies says none of this, so a phone fetches these words only for a page that fails.
// Browser-safe.

export type FailureWords = Record<'zh' | 'en', Record<string, string>>

export const FAILURE_WORDS: FailureWords = {
  zh: {
    'log-key': '账本公钥无法解析',
    'label-key': '账本公钥与标签上的不符：标签为 {expected}，节点提供的是 {served}',
    'checkpoint-signature': '检查点签名无效',
    'key-changed': '账本公钥与您上次看到的不同',
    rollback: '账本比您上次看到的短（{seen} 条）：历史被回滚',
    consistency: '账本与您上次看到的检查点（{seen} 条）不一致：历史被改写',
    entry: '第 {seq} 条记录无法读取',
    'leaf-hash': '第 {seq} 条记录的哈希与内容不符',
    inclusion: '第 {seq} 条记录不在已签名的账本树中（包含证明无效）',
    signature: '第 {seq} 条记录的签名无效（{actor}）',
    'actor-key': '第 {seq} 条记录没有 {actor} 当时有效密钥的签名',
    'key-registration': '{actor} 的密钥登记无法核验（第 {keySeq} 条记录）',
    'page-mismatch': '第 {seq} 条：页面显示的签名者与记录不符',
    cosigner: '第 {seq} 条记录的联署签名无效',
    tile: '账本分片 {tile} 与已签名的检查点不符（缺失或被改动）',
    'bound-fact': '页面所示的「{fact}」与已签名的记录不符',
    'bound-view': '页面的核验区域无法由已签名的记录得出：{detail}',
    'clock-ahead': '页面声称的当前时间（{now}）比您设备的时钟快 {hours} 小时',
    'clock-behind': '页面声称的当前时间（{now}）比您设备的时钟慢 {hours} 小时',
    witness: '检查点的见证不足：本页要求 {min} 方见证，有效见证 {count} 方',
    'witnessed-time': '第 {seq} 条记录的见证时间无法核验：{detail}',
    bundle: '证明文件格式不对：{detail}',
    'bundle-key': '证明文件属于另一个账本公钥（{served}），不是您给出的 {expected}',
    about: '证明文件所述对象与其中的记录不符：{detail}',
  },
  en: {
    'log-key': 'the log key does not parse',
    'label-key': 'the log key differs from the one printed on the label: the label says {expected}, the node serves {served}',
    'checkpoint-signature': 'the checkpoint signature is not valid',
    'key-changed': 'the log key differs from the one you saw before',
    rollback: 'the log is shorter than when you saw it ({seen} entries): history was rolled back',
    consistency: 'the log does not extend the checkpoint you saw before ({seen} entries): history was rewritten',
    entry: 'entry {seq} could not be read',
    'leaf-hash': 'entry {seq}: the served leaf hash does not match its content',
    inclusion: 'entry {seq}: the inclusion proof does not lead to the signed root',
    signature: 'entry {seq}: the signature by {actor} does not verify',
    'actor-key': 'entry {seq}: no signature by a key {actor} held then',
    'key-registration': "{actor}'s key registration (entry {keySeq}) does not check out",
    'page-mismatch': 'entry {seq}: the page names another signer than the entry',
    cosigner: 'entry {seq}: a co-signature is by no key its signer held then',
    tile: 'the log tile {tile} does not check out against the signed checkpoint (missing or altered)',
    'bound-fact': 'the page\'s "{fact}" does not match the signed entries',
    'bound-view': 'the verified area cannot be derived from signed entries: {detail}',
    'clock-ahead': "the page's time ({now}) is {hours} h ahead of your device's clock",
    'clock-behind': "the page's time ({now}) is {hours} h behind your device's clock",
    witness: 'the checkpoint lacks its witnesses: this page requires {min}, {count} cosigned it',
    'witnessed-time': 'entry {seq}: its witnessed time does not check out: {detail}',
    bundle: 'the proof file is not a tracechain proof bundle: {detail}',
    'bundle-key': 'the proof file is of another log key ({served}), not the one you gave ({expected})',
    about: 'the proof file says it is about something its entries do not: {detail}',
  },
}

/** The words, here always at hand. */
export function failureWords(): FailureWords | undefined {
  return FAILURE_WORDS
}

/** Makes failureWords() answer where it can (on demand, web/failure-words-on-demand.ts); never rejects. */
export function loadFailureWords(): Promise<void> {
  return Promise.resolve()
}

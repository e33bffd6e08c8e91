// The banner at the top of every page of a node that trusts the public demo keys, in Chinese and
// English at once (it is put into pages of either language, and into the seal page, by the HTTP layer).

/** Its own inline style: it must show on every page, whatever that page's stylesheet. */
const STYLE = 'display:block;margin:0;padding:8px 16px;background:#b3261e;color:#fff;font:600 14px/1.45 system-ui,sans-serif;text-align:center'

export const DEMO_BANNER =
  `<div class="demo-banner" role="alert" data-demo-node style="${STYLE}">` +
  '演示节点：示例参与方的私钥公开在代码库中，任何人都能以他们的名义签名，本站记录不能证明任何事。' +
  '<br>Demo node: the example actors’ private keys are public in the repository, so anyone can sign as them; nothing here proves anything.' +
  '</div>'

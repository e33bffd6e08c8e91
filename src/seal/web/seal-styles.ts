// The seal page's own rules over the consumer pages' design (web/html.ts): states, the budget bar,
// overdue and late marks, the timeline's steps still to come, the attempts table; and the print sheet for
// the village notice board (村务公开栏): A4, black on white, no header or links, each application kept on
// one page where it fits, the QR code of the page at the end.

export const SEAL_PAGE_STYLES =
  'main.seal-page{max-width:760px}' +
  '.seal-page .small{color:#4f5754}' +
  '.eyebrow{margin:4px 0;color:#3d4442;font-size:14px}' +
  '.bound h1{margin:8px 0 12px}' +
  '.state{display:inline-block;font-size:13px;font-weight:600;padding:0 8px;border-radius:999px;background:#eef1ef;color:#3d4442;vertical-align:2px}' +
  '.state.approved,.state.used{background:#e3f4e8;color:#176f30}.state.rejected{background:#fde7e7;color:#b71c1c}.state.closed{background:#e4e9f2;color:#2c3e66}' +
  '.application h2{font-size:18px}.application.overdue{border-left:6px solid #c62828}' +
  '.application .facts dd{font-weight:400;overflow-wrap:anywhere}' +
  '.figures{display:block}.meter{display:block;width:100%;max-width:360px;height:14px;margin:4px 0 2px}' +
  '.meter .track{fill:#e6eae8}.meter .fill{fill:#0b6e4f}.meter .fill.over{fill:#c62828}.meter .mark{fill:#1b1f1d}' +
  '.alerts{list-style:none;margin:10px 0 0;padding:0}.alerts:empty{display:none}' +
  '.alert{margin:4px 0;padding:4px 10px;border-left:4px solid #b9770e;background:#fff7e6;border-radius:4px;font-size:14px}' +
  '.marks{margin:4px 0 0}.detail{margin:2px 0 0;font-size:14px;color:#3d4442;overflow-wrap:anywhere}' +
  '.step.todo .dot{border-color:#c5ccc9;border-style:dashed}.step.todo h3{color:#5b6360;font-weight:400}.step.todo .muted{margin:0}' +
  '.step.flagged .dot{border-color:#c62828}' +
  '.attempts table{font-size:14px}.attempts th{color:#3d4442;white-space:nowrap}.attempts .num{text-align:right}.scroll{overflow-x:auto}' +
  '.bound-error{background:#fde7e7}' +
  '.print-only{display:none}' +
  'a{overflow-wrap:anywhere}' +
  ':focus-visible{outline:3px solid #1b6fb5;outline-offset:2px}' +
  '[data-verification=verified] .verify [data-verification-status] strong{color:#176f30}' +
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}' +
  '@media print{' +
  '@page{size:A4;margin:14mm}' +
  'body{background:#fff;color:#000;font-size:11pt}' +
  '*{-webkit-print-color-adjust:exact;print-color-adjust:exact}' +
  '.bar,.no-print,nav.pages{display:none}' +
  'main.seal-page{max-width:none;padding:0}' +
  '.card{box-shadow:none;border:1px solid #777;border-radius:0;padding:8px 10px;margin:0 0 8px}' +
  '.application,.step,.attempts tr{break-inside:avoid}' +
  'a{color:#000;text-decoration:none}' +
  '.verify{border-left-width:1px}' +
  '.print-only{display:block}' +
  '.print-head{font-size:13pt;font-weight:700;margin:0 0 6px;border-bottom:2px solid #000}' +
  'figure.qr{display:flex;gap:12px;align-items:center;margin:12px 0 0;break-inside:avoid}' +
  '.qr-code{width:32mm;height:32mm;flex:none}' +
  '}'

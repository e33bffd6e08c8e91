// The one inline script a verified page carries: where the browser has no WebCrypto Ed25519 (Chromium
// before 137, as many Android in-app browsers still are, or a page outside a secure context, where
// `crypto.subtle` is absent), it asks for @noble's lazy script (web/lazy-code.ts) while the page's own script
// is still on its way, as a <link rel="preload"> with the same URL, integrity and CORS mode as the <script>
// the verifier adds later, which the browser then answers from that preload. Without it @noble set off only
// once the page's script had run: one more round trip before "verified" (bench/phone.mjs on a 3G-like
// network: 0.5 s sooner over HTTP/2, 0.2 s over HTTP/1.1, where @noble's request still waits for one of six
// connections).
//
// Only a hint: the verifier decides with its own probe (webcrypto-ed25519.ts) and loads @noble itself when
// it needs it, so a wrong guess costs a fetch or nothing. Its text is fixed, so the CSP allows it by its
// SHA-256 (http/html-reply.ts) and nothing else inline; the URL and integrity come from the element's own
// data attributes. Run elsewhere, it can only preload a script, which runs nothing.
//
// The key it imports is Ed25519's base point, 0x58 then 31 bytes of 0x66: a valid key, so only a browser
// without the algorithm refuses it.

export const NOBLE_HINT_SCRIPT =
  '!function(d,c,k){function p(){document.head.append(Object.assign(document.createElement("link"),{rel:"preload",as:"script",href:d.href,integrity:d.integrity,crossOrigin:"anonymous"}))}' +
  'c=self.crypto&&crypto.subtle;if(!c)return p();k=new Uint8Array(32).fill(102);k[0]=88;' +
  'try{c.importKey("raw",k,{name:"Ed25519"},!1,["verify"]).then(null,p)}catch(x){p()}}(document.currentScript.dataset)'

// What `tracechain --help` prints: every command with its flags, in one place apart from the code that runs them.

export const USAGE = `tracechain <command> [options]

  init     --dir D [--origin O]                 create a node: keys (0600) and the genesis entry
  serve    [--dir D] [--port P] [--host H] [--origin O] [--base-url URL] [--seed] [--rate-limit NAME=MAX[/SECONDS]|NAME=off]... [--trust-proxy ADDRS|true]
           [--independent-verifier URL] [--publish DIR] [--witness 'URL|NAME|KEY']... [--witness-min K] [--late-record-hours H]
           [--webhook KIND=URL|off]... [--split-threshold CNY] [--split-window-days D] [--zone +08:00] [--off-hours 22-6] [--intake-mib N]
                                                start the node (initialises D first if empty); rate limits per
                                                address on labels (PNG), trace, search, verify, bundles, exports; the consumer page
                                                links to the standalone verifier at URL (default: its own /verify);
                                                --publish keeps DIR up to date with the log as static C2SP tlog-tiles;
                                                --witness submits checkpoints to a witness, K of them must cosign;
                                                --webhook POSTs each alert of KIND (* for all) to URL, signed;
                                                SPLIT_CONTRACT's threshold and window; the seal zone and off hours;
                                                these, --webhook and --late-record-hours are kept in D/settings.json;
                                                --intake-mib: bodies each write route holds at once (64; at least 32)
           [--witness-dir WD --witness-log VKEY... [--witness-port P]]  the node also witnesses those logs
  mirror   --from URL --key VKEY --dir D [--primary URL] [--port P] [--host H] [--base-url URL] [--rate-limit ...] [--trust-proxy ...]
           [--late-record-hours H] [--split-threshold CNY] [--split-window-days D] [--zone +08:00] [--off-hours 22-6]
           [--witness-key VKEY]... [--witness-min K]
                                                follow the log whose tile tree is at URL (a node's /tlog/, a CDN),
                                                verifying every checkpoint, tile and entry and the node's rules, and
                                                serve every read route and page; writes get 405 naming --primary;
                                                the alert settings as serve's, kept in D/settings.json; serves the
                                                cosignatures of the --witness-key witnesses (pinned in D/mirror.json)
                                                it verified, and no other signature line; its pages require K of
                                                them (default all, pinned with the keys)
  witness init --dir D --name NAME               create a witness: its Ed25519 key (0600) and name
  witness  --dir D --log VKEY... [--port P] [--host H]
                                                a C2SP tlog-witness for the logs whose keys are given: cosigns a
                                                checkpoint at POST /add-checkpoint once it extends the last one
  publish  --dir D --out DIR                    write the log of a stopped node into DIR as static C2SP tlog-tiles
                                                (or bring DIR up to date)
  keygen   --out FILE                           write a new Ed25519 key file (mode 0600)
  sign     --key K (--statement FILE | --type T --actor A --id ID --body FILE) [--issued-at T] [--cosign K2]
                                                print a DSSE envelope
  submit   --url U FILE...                      submit envelopes (a file: one envelope, {"envelopes":[...]}, or NDJSON)
  epcis import DOC --key K --actor A --url U [--issued-at T]
                                                sign every event of an EPCIS 2.0 document (JSON-LD, or EPCIS 2.0 or
                                                1.2 XML) as food.event and submit them in batches; exit 1 if any
                                                was refused
  epcis hash DOC [--prehash]                    each event's CBV 2.0 event hash ID (or pre-hash string), one a line
  actor custody ID [--dir D] [--json]           a key the node holds for ID (D/keys/custody, 0600) and its capture
                                                token for POST /capture; register its public key with custody "node"
  actor token ID [--dir D] [--json]             rotate ID's capture token (the node keeps only its SHA-256)
  verify   (--url U [--log-key VKEY] | --dir D) [--checkpoint FILE] [--witness WITNESS_VKEY... [--min N]]
                                                audit every entry (D: a node's or a stopped mirror's data directory);
                                                exit 1 naming the first bad seq, or a checkpoint cosigned by fewer
                                                than N of the witnesses (default all given)
  verify   --bundle FILE --key VKEY [--witness WITNESS_VKEY... [--min N]] [--late-record-hours H]
                                                verify an offline proof bundle with the log key alone and say
                                                what it proves; exit 1 naming each check that failed
  verify   --evidence DIR --key VKEY             whether a mirror's evidence directory (D/evidence/...) proves a
                                                fork offline: FORK PROVEN (exit 0) or NOT PROVEN and why (exit 1)
  bundle   --url U (--id LOT | --seq N | --application ID) --out FILE
                                                download a lot (Digital Link or EPC URN), an entry or a seal
                                                application as an offline proof bundle
  export fsma204 --url U [--lot L] [--from D] [--to D] [--out FILE]
                                                the FDA FSMA 204 sortable spreadsheet (CSV) of a node
  trace    --id ID (--url U | --dir D) [--direction both|backward|forward] [--depth N] [--json]
                                                a lot's or object's provenance graph (EPC URN or Digital Link),
                                                backward to the farms, forward to where it went, each edge with
                                                its seq; from a running node or a stopped node's data directory
  label    --id ID (--url U | --base-url URL (--dir D | --log-key VKEY)) [--out FILE] [--format svg|png] [--size print|screen]
                                                a lot's printable QR label (id an EPC URN or Digital Link); its
                                                URI carries the log's key id (#log=)
  verify-page --out DIR [--url LOG_URL] [--log-id HEX]
                                                write the standalone verification page (index.html and the
                                                versioned verifier) for any static site; print its SRI hash
  demo     --url U (--dir D | --operator-key FILE)  seed the example actors and statements into a node

The commands that ask a node over HTTP (submit, epcis import, bundle, export, trace --url, label --url, verify --url, demo)
take --timeout SECONDS: how long each answer may take (export: how long the node may send nothing), 120 by
default; past it, or when the node cannot be reached, they stop with NODE_UNAVAILABLE.

Environment: TRACECHAIN_DIR, PORT, HOST, TRACECHAIN_ORIGIN, TRACECHAIN_BASE_URL, TRACECHAIN_RATE_LIMITS (as --rate-limit, comma-separated), TRACECHAIN_TRUST_PROXY,
TRACECHAIN_INDEPENDENT_VERIFIER, TRACECHAIN_PUBLISH, TRACECHAIN_INTAKE_MIB.`

// Command checker proves that what a live tracechain node serves verifies
// with Go's golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog as
// they stand (the Go module checksum database's own verifier code).
//
// Usage:
//
//	checker -url http://127.0.0.1:PORT [-inclusion-samples N] [-consistency-samples N]
//	        [-seed S] [-j N] [-timeout D] [-v]
//
// It checks, against the node:
//
//  1. GET /v1/log/key is a note verifier key accepted by note.NewVerifier.
//  2. GET /v1/checkpoint is a signed note that note.Open accepts with that
//     verifier; its text is exactly "<origin>\n<size>\n<base64 root>\n" with
//     origin == the verifier's name.
//  3. GET /v1/entries pages: leaf bytes = JCS(entry), tlog.RecordHash of them
//     equals the served leafHash, seq runs 0,1,2,..., each prev is the hex
//     leaf hash of the entry before (64 zeros for seq 0).
//  4. The tree hash over all leaves (tlog.StoredHashes + tlog.TreeHash)
//     equals the checkpoint root.
//  5. GET /v1/proofs/inclusion for every seq (or a sample): tlog.CheckRecord.
//  6. GET /v1/proofs/consistency from m to size for every m (or a sample):
//     tlog.CheckTree against the checker's own tree hash of size m.
//  7. Negative controls: proofs with a flipped bit, a flipped leaf or old
//     root, or an extra hash must fail; a checkpoint with a flipped byte in
//     its text or signature must fail note.Open.
//  8. A second checkpoint fetched at the end must be the same tree or a
//     provable extension of it (consistency proof checked with tlog.CheckTree).
//
// On success it prints "interop ok: size=N inclusion=K consistency=M ..." and
// exits 0. On failure it prints one "FAIL: ..." line per problem (naming the
// seq or size and what) and exits 1. Bad flags exit 2.
//
// Build offline (GOPATH mode against the Debian golang-golang-x-mod-dev sources):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/checker ./test/interop/checker
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	pageLimit   = 1000 // DESIGN.md: GET /v1/entries limit up to 1000
	maxBody     = 64 << 20
	maxFailures = 50 // failures printed in full; the rest are counted
)

var (
	baseURL  string
	client   *http.Client
	timeout  time.Duration
	verbose  bool
	failMu   sync.Mutex
	failures []string
	failN    int

	// flippedProofs counts proofs with a flipped bit that tlog refused.
	flippedProofs int64
)

// fail records one failed check. Checks go on where they still make sense so
// that one run names as many problems as it can.
func fail(format string, args ...interface{}) {
	failMu.Lock()
	defer failMu.Unlock()
	failN++
	if len(failures) < maxFailures {
		failures = append(failures, fmt.Sprintf(format, args...))
	}
}

func failCount() int {
	failMu.Lock()
	defer failMu.Unlock()
	return failN
}

// fatal reports a failure after which nothing else can be checked.
func fatal(format string, args ...interface{}) {
	fail(format, args...)
	finish("")
}

func logf(format string, args ...interface{}) {
	if verbose {
		fmt.Fprintf(os.Stderr, "checker: "+format+"\n", args...)
	}
}

// finish prints the failures, or the ok line, and exits.
func finish(okLine string) {
	failMu.Lock()
	defer failMu.Unlock()
	if failN == 0 {
		fmt.Println(okLine)
		os.Exit(0)
	}
	for _, f := range failures {
		fmt.Println("FAIL: " + f)
	}
	if failN > len(failures) {
		fmt.Printf("FAIL: ... and %d more\n", failN-len(failures))
	}
	fmt.Printf("interop FAILED: %d failure(s) against %s\n", failN, baseURL)
	os.Exit(1)
}

func main() {
	var (
		rawURL             string
		inclusionSamples   int
		consistencySamples int
		seed               int64
		jobs               int
	)
	flag.StringVar(&rawURL, "url", "", "base URL of the node, e.g. http://127.0.0.1:3000 (required)")
	flag.IntVar(&inclusionSamples, "inclusion-samples", 1000, "inclusion proofs to check: seq 0, size-1 and powers-of-two edges always, the rest random; 0 = every seq")
	flag.IntVar(&consistencySamples, "consistency-samples", 1000, "consistency proofs to check: sizes 1, 2, size-1, size and powers-of-two edges always, the rest random; 0 = every size")
	flag.Int64Var(&seed, "seed", 1, "seed for the random part of the samples")
	flag.IntVar(&jobs, "j", 4, "concurrent proof requests")
	flag.DurationVar(&timeout, "timeout", 30*time.Second, "timeout for each HTTP request")
	flag.BoolVar(&verbose, "v", false, "progress on stderr")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: checker -url http://127.0.0.1:PORT [-inclusion-samples N] [-consistency-samples N] [-seed S] [-j N] [-timeout D] [-v]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if rawURL == "" || flag.NArg() != 0 || inclusionSamples < 0 || consistencySamples < 0 || jobs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(os.Stderr, "checker: -url must be an absolute http(s) URL, got %q\n", rawURL)
		os.Exit(2)
	}
	baseURL = strings.TrimRight(rawURL, "/")
	// Never go through a proxy: the node is local and proxy settings from
	// the environment must not change what we talk to.
	client = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: jobs}}

	// 1. Verifier key.
	vkey := fetchKey()
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fatal("/v1/log/key: note.NewVerifier(%q): %v", vkey, err)
	}
	logf("verifier key %s (name %q, key hash %08x)", vkey, verifier.Name(), verifier.KeyHash())

	// 2. Checkpoint.
	cp := fetchCheckpoint(verifier)
	size, root := cp.size, cp.root
	logf("checkpoint origin=%s size=%d root=%s", cp.origin, size, base64.StdEncoding.EncodeToString(root[:]))
	noteControls := checkNoteControls(cp.raw, verifier)

	// 3. Entries, chain, leaf hashes; 4. tree root.
	tree := fetchEntries(size)
	got, err := tlog.TreeHash(size, tree)
	if err != nil {
		fatal("tlog.TreeHash(%d): %v", size, err)
	}
	if got != root {
		fail("checkpoint root: tree hash over the %d served entries is %s, checkpoint says %s", size, b64(got), b64(root))
	} else {
		logf("tree hash over %d leaves matches the checkpoint root", size)
	}
	for _, s := range []int64{0, size - 1} {
		checkSingleEntry(s, tree.leaf(s))
	}

	rng := rand.New(rand.NewSource(seed))

	// 5. Inclusion proofs.
	inc := sample(0, size-1, inclusionSamples, edges(0, size-1), rng)
	incControls := runParallel(jobs, inc, func(i int64) int {
		return checkInclusion(i, size, root, tree.leaf(i))
	})
	logf("checked %d inclusion proofs", len(inc))

	// 6. Consistency proofs.
	cons := sample(1, size, consistencySamples, edges(1, size), rng)
	consControls := runParallel(jobs, cons, func(m int64) int {
		old, err := tlog.TreeHash(m, tree)
		if err != nil {
			fail("consistency from=%d: tlog.TreeHash(%d): %v", m, m, err)
			return 0
		}
		return checkConsistency(m, old, size, root)
	})
	logf("checked %d consistency proofs", len(cons))

	// The negative controls must have had something to bite on: with two or
	// more leaves every inclusion proof has at least one hash to flip.
	if size >= 2 && len(inc) > 0 && atomic.LoadInt64(&flippedProofs) == 0 && failCount() == 0 {
		fail("negative controls: no verified proof had a hash to flip")
	}

	// 8. The head again: the same tree, or one that provably extends it.
	cp2 := fetchCheckpoint(verifier)
	growth := "unchanged"
	switch {
	case cp2.size < size:
		fail("second checkpoint: size went back from %d to %d", size, cp2.size)
	case cp2.size == size:
		if cp2.root != root {
			fail("second checkpoint: same size %d but root %s != %s (fork)", size, b64(cp2.root), b64(root))
		}
	default:
		growth = fmt.Sprintf("%d->%d", size, cp2.size)
		consControls += checkConsistency(size, root, cp2.size, cp2.root)
	}

	finish(fmt.Sprintf("interop ok: size=%d inclusion=%d consistency=%d negative-controls=%d head=%s origin=%s",
		size, len(inc), len(cons), noteControls+incControls+consControls, growth, cp.origin))
}

// ---- HTTP ----

type httpResult struct {
	status int
	ctype  string
	body   []byte
}

func get(path string, query url.Values) (*httpResult, error) {
	u := baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading body: %v", u, err)
	}
	return &httpResult{resp.StatusCode, resp.Header.Get("Content-Type"), body}, nil
}

// getJSON fetches path and decodes a 200 JSON answer into v.
func getJSON(path string, query url.Values, v interface{}) error {
	r, err := get(path, query)
	if err != nil {
		return err
	}
	if r.status != 200 {
		return fmt.Errorf("HTTP %d: %s", r.status, clip(r.body))
	}
	if !strings.HasPrefix(r.ctype, "application/json") {
		return fmt.Errorf("Content-Type %q, want application/json", r.ctype)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad JSON: %v: %s", err, clip(r.body))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value: %s", clip(r.body))
	}
	return nil
}

func clip(b []byte) string {
	s := string(b)
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return strconv.Quote(s)
}

// fetchKey returns the verifier key served at /v1/log/key. DESIGN.md says
// "the verifier key string" without fixing the representation, so both a
// text/plain body (with at most one trailing newline) and a JSON string are
// accepted; anything else (a JSON object, extra whitespace) is not.
func fetchKey() string {
	r, err := get("/v1/log/key", nil)
	if err != nil {
		fatal("GET /v1/log/key: %v", err)
	}
	if r.status != 200 {
		fatal("GET /v1/log/key: HTTP %d: %s", r.status, clip(r.body))
	}
	if strings.HasPrefix(r.ctype, "application/json") {
		var s string
		if err := json.Unmarshal(r.body, &s); err != nil {
			fatal("GET /v1/log/key: JSON answer is not a string: %s", clip(r.body))
		}
		return s
	}
	s := strings.TrimSuffix(string(r.body), "\n")
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		fatal("GET /v1/log/key: not a single-line verifier key: %s", clip(r.body))
	}
	return s
}

// ---- checkpoint ----

type checkpoint struct {
	raw    []byte
	origin string
	size   int64
	root   tlog.Hash
}

var decimal = regexp.MustCompile(`^(0|[1-9][0-9]{0,18})$`)

func fetchCheckpoint(v note.Verifier) checkpoint {
	r, err := get("/v1/checkpoint", nil)
	if err != nil {
		fatal("GET /v1/checkpoint: %v", err)
	}
	if r.status != 200 {
		fatal("GET /v1/checkpoint: HTTP %d: %s", r.status, clip(r.body))
	}
	if !strings.HasPrefix(r.ctype, "text/plain") {
		fail("GET /v1/checkpoint: Content-Type %q, want text/plain", r.ctype)
	}
	n, err := note.Open(r.body, note.VerifierList(v))
	if err != nil {
		fatal("checkpoint: note.Open: %v\n%s", err, r.body)
	}
	signed := false
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			signed = true
		}
	}
	if !signed {
		fatal("checkpoint: note.Open accepted it but no signature is by %s+%08x", v.Name(), v.KeyHash())
	}
	cp, err := parseCheckpoint(n.Text)
	if err != nil {
		fatal("checkpoint: %v\n%s", err, r.body)
	}
	if cp.origin != v.Name() {
		fatal("checkpoint: origin %q != verifier key name %q", cp.origin, v.Name())
	}
	if cp.size < 1 {
		fatal("checkpoint: size %d; the log always holds at least its genesis entry", cp.size)
	}
	cp.raw = r.body
	return cp
}

// parseCheckpoint parses the signed text of a C2SP tlog-checkpoint strictly
// as DESIGN.md fixes it: exactly "<origin>\n<size>\n<base64 root>\n".
// (tlog.ParseTree expects the go.sum database's own first line, so it is not
// used.) Size is decimal without sign or leading zeros; the root is padded
// standard base64 of exactly 32 bytes, in its one canonical spelling.
// C2SP allows extension lines after the root; DESIGN.md has none, so they
// are refused here.
func parseCheckpoint(text string) (checkpoint, error) {
	var cp checkpoint
	if !strings.HasSuffix(text, "\n") {
		return cp, errors.New("text does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 3 {
		return cp, fmt.Errorf("text has %d lines, want exactly 3 (origin, size, root)", len(lines))
	}
	cp.origin = lines[0]
	if cp.origin == "" || strings.ContainsAny(cp.origin, " \t\r+") {
		return cp, fmt.Errorf("bad origin line %q", lines[0])
	}
	if !decimal.MatchString(lines[1]) {
		return cp, fmt.Errorf("bad size line %q (want decimal, no sign or leading zeros)", lines[1])
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return cp, fmt.Errorf("bad size line %q: %v", lines[1], err)
	}
	cp.size = size
	raw, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize || base64.StdEncoding.EncodeToString(raw) != lines[2] {
		return cp, fmt.Errorf("bad root line %q (want padded standard base64 of 32 bytes)", lines[2])
	}
	copy(cp.root[:], raw)
	return cp, nil
}

// checkNoteControls tampers with a good checkpoint and makes sure note.Open
// refuses every copy. Returns how many controls ran.
func checkNoteControls(good []byte, v note.Verifier) int {
	known := note.VerifierList(v)
	split := bytes.LastIndex(good, []byte("\n\n"))
	text := good[:split+1]
	count := 0
	expectInvalid := func(what string, msg []byte) {
		count++
		_, err := note.Open(msg, known)
		var inv *note.InvalidSignatureError
		if !errors.As(err, &inv) {
			fail("negative control: checkpoint with %s: note.Open gave %v, want an invalid signature error", what, err)
		}
	}
	// One flipped bit in the last byte of each text line: origin, size, root.
	// (Bit 0 keeps an ASCII byte printable, so the note stays well-formed and
	// only the signature can catch it.)
	start := 0
	for li, name := range []string{"origin", "size", "root"} {
		end := bytes.IndexByte(text[start:], '\n') + start
		if end <= start {
			fail("negative control: checkpoint line %d is empty", li)
			return count
		}
		msg := append([]byte(nil), good...)
		msg[end-1] ^= 0x01
		expectInvalid("a flipped byte in its "+name+" line", msg)
		start = end + 1
	}
	// One flipped bit in each signature by our key (in the signature, not in
	// the 4-byte key hash, so the verifier is still found).
	sigs := strings.Split(strings.TrimSuffix(string(good[split+2:]), "\n"), "\n")
	prefix := "\u2014 " + v.Name() + " "
	for i, line := range sigs {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(line[len(prefix):])
		if err != nil || len(sig) != 4+64 {
			fail("checkpoint signature line %q: want base64 of 4-byte key hash and 64-byte Ed25519 signature", line)
			continue
		}
		for _, pos := range []int{4, 4 + 63} {
			bad := append([]byte(nil), sig...)
			bad[pos] ^= 0x80
			lines := append([]string(nil), sigs...)
			lines[i] = prefix + base64.StdEncoding.EncodeToString(bad)
			msg := append(append([]byte(nil), good[:split+2]...), []byte(strings.Join(lines, "\n")+"\n")...)
			expectInvalid(fmt.Sprintf("a flipped bit in signature byte %d", pos), msg)
		}
		// A flipped key hash: the note is then signed by no known key.
		bad := append([]byte(nil), sig...)
		bad[0] ^= 0x01
		lines := append([]string(nil), sigs...)
		lines[i] = prefix + base64.StdEncoding.EncodeToString(bad)
		msg := append(append([]byte(nil), good[:split+2]...), []byte(strings.Join(lines, "\n")+"\n")...)
		count++
		if _, err := note.Open(msg, known); err == nil {
			fail("negative control: checkpoint with a flipped key hash was accepted by note.Open")
		}
	}
	return count
}

// ---- entries and the tree ----

// memTree holds the tree's stored hashes (tlog.StoredHashes layout) and
// serves them to tlog as a HashReader.
type memTree struct {
	hashes []tlog.Hash
	n      int64
}

func (t *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("stored hash index %d out of range (have %d)", x, len(t.hashes))
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

func (t *memTree) add(leafBytes []byte) (tlog.Hash, error) {
	hs, err := tlog.StoredHashes(t.n, leafBytes, t)
	if err != nil {
		return tlog.Hash{}, err
	}
	if int64(len(t.hashes)) != tlog.StoredHashIndex(0, t.n) {
		return tlog.Hash{}, fmt.Errorf("stored hash layout out of step at record %d", t.n)
	}
	t.hashes = append(t.hashes, hs...)
	t.n++
	return hs[0], nil
}

func (t *memTree) leaf(i int64) tlog.Hash { return t.hashes[tlog.StoredHashIndex(0, i)] }

type entriesPage struct {
	Entries *[]struct {
		Entry    json.RawMessage `json:"entry"`
		LeafHash *string         `json:"leafHash"`
	} `json:"entries"`
}

// fetchEntries pages through entries 0..size-1 and checks each one.
// Failures in the chain are recorded and checking goes on; failures that
// leave a gap in the tree are fatal.
func fetchEntries(size int64) *memTree {
	tree := &memTree{}
	prev := strings.Repeat("0", 64)
	for tree.n < size {
		from := tree.n
		limit := size - from
		if limit > pageLimit {
			limit = pageLimit
		}
		var page entriesPage
		q := url.Values{"from": {strconv.FormatInt(from, 10)}, "limit": {strconv.FormatInt(limit, 10)}}
		if err := getJSON("/v1/entries", q, &page); err != nil {
			fatal("GET /v1/entries?from=%d&limit=%d: %v", from, limit, err)
		}
		if page.Entries == nil {
			fatal("GET /v1/entries?from=%d&limit=%d: no \"entries\" array", from, limit)
		}
		// A short page is allowed (the node may cap pages lower); an empty
		// one below the checkpoint size means entries the checkpoint
		// commits to are not served.
		if len(*page.Entries) == 0 {
			fatal("GET /v1/entries?from=%d&limit=%d: empty page, but the checkpoint has size %d", from, limit, size)
		}
		if int64(len(*page.Entries)) > limit {
			fatal("GET /v1/entries?from=%d&limit=%d: %d entries, more than the limit", from, limit, len(*page.Entries))
		}
		for _, e := range *page.Entries {
			seq := tree.n
			leafBytes, fields, err := canonicalEntry(e.Entry)
			if err != nil {
				fatal("seq %d: entry: %v", seq, err)
			}
			if fields.seq != seq {
				fatal("seq %d: entry has seq %d (want consecutive seqs from 0)", seq, fields.seq)
			}
			h, err := tree.add(leafBytes)
			if err != nil {
				fatal("seq %d: tlog.StoredHashes: %v", seq, err)
			}
			if h != tlog.RecordHash(leafBytes) {
				fatal("seq %d: StoredHashes leaf differs from RecordHash", seq)
			}
			hh := hex.EncodeToString(h[:])
			if e.LeafHash == nil {
				fail("seq %d: no leafHash served", seq)
			} else if *e.LeafHash != hh {
				fail("seq %d: served leafHash %s, but tlog.RecordHash(JCS(entry)) = %s", seq, *e.LeafHash, hh)
			}
			if fields.prev != prev {
				fail("seq %d: prev %s, want %s (the leaf hash of seq %d)", seq, fields.prev, prev, seq-1)
			}
			prev = hh
		}
		logf("entries %d..%d ok", from, tree.n-1)
	}
	return tree
}

// checkSingleEntry compares GET /v1/entries/:seq with the paged entry.
func checkSingleEntry(seq int64, want tlog.Hash) {
	var one struct {
		Entry    json.RawMessage `json:"entry"`
		LeafHash *string         `json:"leafHash"`
	}
	if err := getJSON("/v1/entries/"+strconv.FormatInt(seq, 10), nil, &one); err != nil {
		fail("GET /v1/entries/%d: %v", seq, err)
		return
	}
	leafBytes, _, err := canonicalEntry(one.Entry)
	if err != nil {
		fail("GET /v1/entries/%d: entry: %v", seq, err)
		return
	}
	if h := tlog.RecordHash(leafBytes); h != want {
		fail("GET /v1/entries/%d: leaf hash %x differs from the paged entry's %x", seq, h[:], want[:])
	}
	if one.LeafHash == nil || *one.LeafHash != hex.EncodeToString(want[:]) {
		fail("GET /v1/entries/%d: served leafHash %v, want %x", seq, strOrNil(one.LeafHash), want[:])
	}
}

func strOrNil(s *string) interface{} {
	if s == nil {
		return nil
	}
	return *s
}

type entryFields struct {
	seq  int64
	prev string
}

var lowerHex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// canonicalEntry returns the leaf bytes of a served entry: UTF-8 of its
// RFC 8785 (JCS) form, and its seq and prev.
//
// JCS here is Go's encoding/json on the value decoded with UseNumber into
// interface{} and re-encoded by an Encoder with SetEscapeHTML(false), minus
// the Encoder's trailing newline. That equals RFC 8785 for the values an
// entry holds, and only for them, so this function refuses anything else:
//   - object keys come out sorted by bytes (Go sorts map keys); JCS sorts by
//     UTF-16 code units, the same order for ASCII keys;
//   - strings must be printable ASCII (0x20..0x7E): then both escape exactly
//     '"' and '\'. (They differ on control characters: Go 1.19 writes \u0008
//     where JCS writes \b; and on U+2028/U+2029, which Go escapes.)
//   - numbers must be integers in JSON's plain form within ±(2^53-1):
//     json.Number is re-emitted verbatim, which is JCS's form only for those
//     (JCS would print 1.0 as 1, and 1e2 as 100).
//   - duplicate keys are refused (JCS forbids them; Go would keep the last).
func canonicalEntry(raw json.RawMessage) ([]byte, entryFields, error) {
	var f entryFields
	if len(raw) == 0 {
		return nil, f, errors.New("missing")
	}
	v, err := decodeStrict(raw)
	if err != nil {
		return nil, f, err
	}
	if err := checkJCSSubset(v, "entry"); err != nil {
		return nil, f, err
	}
	obj, ok := v.(map[string]interface{})
	if !ok {
		return nil, f, errors.New("not a JSON object")
	}
	num, ok := obj["seq"].(json.Number)
	if !ok {
		return nil, f, errors.New("seq missing or not a number")
	}
	if f.seq, err = strconv.ParseInt(string(num), 10, 64); err != nil || f.seq < 0 {
		return nil, f, fmt.Errorf("bad seq %s", num)
	}
	prev, ok := obj["prev"].(string)
	if !ok || !lowerHex64.MatchString(prev) {
		return nil, f, fmt.Errorf("prev missing or not 64 lowercase hex digits: %v", obj["prev"])
	}
	f.prev = prev
	b, err := jcs(v)
	return b, f, err
}

// jcs encodes a value from decodeStrict (that passed checkJCSSubset).
func jcs(v interface{}) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeStrict decodes one JSON value with UseNumber into interface{},
// refusing duplicate object keys and trailing data.
func decodeStrict(raw []byte) (interface{}, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (interface{}, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := map[string]interface{}{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := obj[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				if obj[k], err = decodeValue(dec); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return obj, nil
		case '[':
			arr := []interface{}{}
			for dec.More() {
				x, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, x)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // string, json.Number, bool, nil
	}
}

var plainInt = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

const maxSafeInt = 1<<53 - 1

func checkJCSSubset(v interface{}, path string) error {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			if err := printableASCII(k); err != nil {
				return fmt.Errorf("%s: key %q: %v", path, k, err)
			}
			if err := checkJCSSubset(x, path+"."+k); err != nil {
				return err
			}
		}
	case []interface{}:
		for i, x := range t {
			if err := checkJCSSubset(x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case string:
		if err := printableASCII(t); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	case json.Number:
		n, err := strconv.ParseInt(string(t), 10, 64)
		if !plainInt.MatchString(string(t)) || err != nil || n > maxSafeInt || n < -maxSafeInt || string(t) == "-0" {
			return fmt.Errorf("%s: number %s is outside the JCS subset this checker implements (safe integers in plain form)", path, t)
		}
	case bool, nil:
	default:
		return fmt.Errorf("%s: unexpected %T", path, v)
	}
	return nil
}

func printableASCII(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return fmt.Errorf("byte 0x%02x at %d is outside the JCS subset this checker implements (printable ASCII)", s[i], i)
		}
	}
	return nil
}

// ---- proofs ----

func parseHexHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	if !lowerHex64.MatchString(s) {
		return h, fmt.Errorf("%q is not 64 lowercase hex digits", s)
	}
	hex.Decode(h[:], []byte(s))
	return h, nil
}

func parseHexHashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := parseHexHash(s)
		if err != nil {
			return nil, fmt.Errorf("proof[%d]: %v", i, err)
		}
		out[i] = h
	}
	return out, nil
}

func flip(h tlog.Hash, bit int) tlog.Hash {
	h[(bit/8)%tlog.HashSize] ^= 1 << uint(bit%8)
	return h
}

// checkInclusion checks the inclusion proof of seq i in the tree of the
// given size and root, then its negative controls. Returns the number of
// negative controls run.
func checkInclusion(i, size int64, root, leaf tlog.Hash) int {
	var r struct {
		Seq      *int64    `json:"seq"`
		Size     *int64    `json:"size"`
		LeafHash *string   `json:"leafHash"`
		Proof    *[]string `json:"proof"`
	}
	q := url.Values{"seq": {strconv.FormatInt(i, 10)}, "size": {strconv.FormatInt(size, 10)}}
	if err := getJSON("/v1/proofs/inclusion", q, &r); err != nil {
		fail("inclusion seq=%d size=%d: %v", i, size, err)
		return 0
	}
	if r.Seq == nil || *r.Seq != i || r.Size == nil || *r.Size != size {
		fail("inclusion seq=%d size=%d: answer names seq=%v size=%v", i, size, ptr(r.Seq), ptr(r.Size))
	}
	if r.LeafHash == nil || *r.LeafHash != hex.EncodeToString(leaf[:]) {
		fail("inclusion seq=%d size=%d: leafHash %v, want %x", i, size, strOrNil(r.LeafHash), leaf[:])
	}
	if r.Proof == nil {
		fail("inclusion seq=%d size=%d: no proof array", i, size)
		return 0
	}
	hs, err := parseHexHashes(*r.Proof)
	if err != nil {
		fail("inclusion seq=%d size=%d: %v", i, size, err)
		return 0
	}
	proof := tlog.RecordProof(hs)
	if err := tlog.CheckRecord(proof, size, root, i, leaf); err != nil {
		fail("inclusion seq=%d size=%d: tlog.CheckRecord: %v (proof has %d hashes)", i, size, err, len(proof))
		return 0
	}
	// Negative controls.
	n := 0
	mustFail := func(what string, flipped bool, p tlog.RecordProof, l tlog.Hash) {
		n++
		if tlog.CheckRecord(p, size, root, i, l) == nil {
			fail("negative control: inclusion seq=%d size=%d: tlog.CheckRecord accepted %s", i, size, what)
		} else if flipped {
			atomic.AddInt64(&flippedProofs, 1)
		}
	}
	for k := range proof {
		bad := append(tlog.RecordProof(nil), proof...)
		bit := int(i*7+int64(k)*13) % 256
		bad[k] = flip(bad[k], bit)
		mustFail(fmt.Sprintf("the proof with bit %d of hash %d flipped", bit, k), true, bad, leaf)
	}
	mustFail("a flipped leaf hash", false, proof, flip(leaf, int(i%256)))
	mustFail("the proof with an extra hash", false, append(append(tlog.RecordProof(nil), proof...), leaf), leaf)
	if len(proof) > 0 {
		mustFail("the proof without its last hash", false, proof[:len(proof)-1], leaf)
	}
	return n
}

// checkConsistency checks the consistency proof from the tree (m, old) to
// the tree (size, root), then its negative controls.
func checkConsistency(m int64, old tlog.Hash, size int64, root tlog.Hash) int {
	var r struct {
		From  *int64    `json:"from"`
		To    *int64    `json:"to"`
		Proof *[]string `json:"proof"`
	}
	q := url.Values{"from": {strconv.FormatInt(m, 10)}, "to": {strconv.FormatInt(size, 10)}}
	if err := getJSON("/v1/proofs/consistency", q, &r); err != nil {
		fail("consistency from=%d to=%d: %v", m, size, err)
		return 0
	}
	if r.From == nil || *r.From != m || r.To == nil || *r.To != size {
		fail("consistency from=%d to=%d: answer names from=%v to=%v", m, size, ptr(r.From), ptr(r.To))
	}
	if r.Proof == nil {
		fail("consistency from=%d to=%d: no proof array", m, size)
		return 0
	}
	hs, err := parseHexHashes(*r.Proof)
	if err != nil {
		fail("consistency from=%d to=%d: %v", m, size, err)
		return 0
	}
	proof := tlog.TreeProof(hs)
	if err := tlog.CheckTree(proof, size, root, m, old); err != nil {
		fail("consistency from=%d to=%d: tlog.CheckTree: %v (proof has %d hashes)", m, size, err, len(proof))
		return 0
	}
	n := 0
	mustFail := func(what string, flipped bool, p tlog.TreeProof, o tlog.Hash) {
		n++
		if tlog.CheckTree(p, size, root, m, o) == nil {
			fail("negative control: consistency from=%d to=%d: tlog.CheckTree accepted %s", m, size, what)
		} else if flipped {
			atomic.AddInt64(&flippedProofs, 1)
		}
	}
	for k := range proof {
		bad := append(tlog.TreeProof(nil), proof...)
		bit := int(m*11+int64(k)*13) % 256
		bad[k] = flip(bad[k], bit)
		mustFail(fmt.Sprintf("the proof with bit %d of hash %d flipped", bit, k), true, bad, old)
	}
	mustFail("a flipped old root", false, proof, flip(old, int(m%256)))
	mustFail("the proof with an extra hash", false, append(append(tlog.TreeProof(nil), proof...), old), old)
	if len(proof) > 0 {
		mustFail("the proof without its last hash", false, proof[:len(proof)-1], old)
	}
	return n
}

func ptr(p *int64) interface{} {
	if p == nil {
		return nil
	}
	return *p
}

// ---- sampling and workers ----

// edges returns the indexes in [lo, hi] where Merkle proofs change shape:
// both ends, and each power of two and its neighbours.
func edges(lo, hi int64) []int64 {
	out := []int64{lo, lo + 1, hi - 1, hi}
	for p := int64(1); p > 0 && p <= hi+1; p <<= 1 {
		out = append(out, p-1, p, p+1)
	}
	return out
}

// sample returns sorted distinct indexes in [lo, hi]: all of them if k == 0
// or the range has at most k; otherwise the must list (clipped to the range)
// plus random ones up to k in all.
func sample(lo, hi int64, k int, must []int64, rng *rand.Rand) []int64 {
	if hi < lo {
		return nil
	}
	count := hi - lo + 1
	if k == 0 || count <= int64(k) {
		out := make([]int64, 0, count)
		for x := lo; x <= hi; x++ {
			out = append(out, x)
		}
		return out
	}
	set := map[int64]bool{}
	for _, x := range must {
		if x >= lo && x <= hi {
			set[x] = true
		}
	}
	for len(set) < k {
		set[lo+rng.Int63n(count)] = true
	}
	out := make([]int64, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// runParallel runs check on every index with the given concurrency and
// returns the sum of what the checks return.
func runParallel(jobs int, idx []int64, check func(int64) int) int {
	ch := make(chan int64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				c := check(i)
				mu.Lock()
				total += c
				mu.Unlock()
			}
		}()
	}
	for _, i := range idx {
		ch <- i
	}
	close(ch)
	wg.Wait()
	return total
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

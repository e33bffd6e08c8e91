// Command tilecheck verifies a tracechain log published as static C2SP
// tlog-tiles (https://c2sp.org/tlog-tiles) from any copy of the tile tree
// alone: nginx serving `tracechain publish`'s DIR, a CDN, or the node's /tlog/.
// It uses only golang.org/x/mod/sumdb/note, golang.org/x/mod/sumdb/tlog and
// the Go standard library, and shares no code with tracechain.
//
// Usage:
//
//	tilecheck -url http://127.0.0.1:PORT/ -key VERIFIER_KEY
//	          [-previous FILE] [-save FILE] [-samples N] [-seed S] [-j N] [-timeout D] [-v]
//
// It checks:
//
//  1. <url>/checkpoint opens with note.Open and the verifier key given (never
//     one fetched from the copy), and its text is exactly
//     "<origin>\n<size>\n<base64 root>\n" with origin the key's name.
//  2. Every entry bundle tile/entries/<N>[.p/<W>] of the tree holds exactly
//     its width of uint16-length-prefixed entries, each of which hashes
//     (tlog.RecordHash) to its leaf in the level-0 tile; the tree rebuilt from
//     the entries (tlog.StoredHashes) has the checkpoint's root (tlog.TreeHash).
//  3. Every hash tile tile/<L>/<N>[.p/<W>] of the tree, full and partial, is
//     byte for byte tlog.ReadTileData of the rebuilt tree: a flipped byte in
//     any tile or bundle fails the run.
//  4. Inclusion of sampled entries, with proofs built from the served tiles
//     alone (tlog.ProveRecord over tlog.TileHashReader) and checked with
//     tlog.CheckRecord against the checkpoint root.
//  5. With -previous FILE (a checkpoint saved by an earlier run with -save):
//     the same key signed it, and this tree extends it: a proof built from
//     the tiles (tlog.ProveTree) passes tlog.CheckTree, and the rebuilt
//     tree's hash at that size is its root.
//
// On success it prints one "tiles ok: ..." line and exits 0, after writing the
// checkpoint to the -save FILE if given. On failure it prints "FAIL: ..." lines
// and exits 1. Bad flags exit 2.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
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
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	height      = 8 // C2SP tlog-tiles: tiles of 2^8 hashes
	tileWidth   = 1 << height
	maxBody     = 64 << 20
	maxFailures = 50
)

var (
	baseURL  string
	client   *http.Client
	timeout  time.Duration
	verbose  bool
	failures []string
	failN    int
	failMu   sync.Mutex
)

func fail(format string, args ...interface{}) {
	failMu.Lock()
	defer failMu.Unlock()
	failN++
	if len(failures) < maxFailures {
		failures = append(failures, fmt.Sprintf(format, args...))
	}
}

// fatal reports a failure after which nothing else can be checked.
func fatal(format string, args ...interface{}) {
	fail(format, args...)
	finish("")
}

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
	fmt.Printf("tiles FAILED: %d failure(s) at %s\n", failN, baseURL)
	os.Exit(1)
}

func logf(format string, args ...interface{}) {
	if verbose {
		fmt.Fprintf(os.Stderr, "tilecheck: "+format+"\n", args...)
	}
}

func main() {
	var (
		rawURL, key, previousFile, saveFile string
		samples, jobs                       int
		seed                                int64
	)
	flag.StringVar(&rawURL, "url", "", "URL of the copy of the tile tree: <url>/checkpoint, <url>/tile/... (required)")
	flag.StringVar(&key, "key", "", "the log's note verifier key (required)")
	flag.StringVar(&previousFile, "previous", "", "a checkpoint saved earlier (-save): check that this tree extends it")
	flag.StringVar(&saveFile, "save", "", "write the verified checkpoint here")
	flag.IntVar(&samples, "samples", 200, "inclusion proofs to check: 0, size-1 and tile edges always, the rest random; 0 = every entry")
	flag.Int64Var(&seed, "seed", 1, "seed for the random samples")
	flag.IntVar(&jobs, "j", 8, "concurrent requests")
	flag.DurationVar(&timeout, "timeout", 30*time.Second, "timeout for each HTTP request")
	flag.BoolVar(&verbose, "v", false, "progress on stderr")
	flag.Parse()
	u, err := url.Parse(rawURL)
	if rawURL == "" || key == "" || flag.NArg() != 0 || samples < 0 || jobs < 1 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintln(os.Stderr, "usage: tilecheck -url http://HOST/PREFIX/ -key VERIFIER_KEY [-previous FILE] [-save FILE] [-samples N] [-seed S] [-j N] [-timeout D] [-v]")
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(key)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tilecheck: -key: %v\n", err)
		os.Exit(2)
	}
	baseURL = strings.TrimRight(rawURL, "/")
	client = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: jobs}}

	// 1. The checkpoint, with the key we were given.
	raw, found, err := get("checkpoint")
	if err != nil || !found {
		fatal("checkpoint: %v (found=%v)", err, found)
	}
	cp, err := openCheckpoint(raw, verifier)
	if err != nil {
		fatal("checkpoint: %v", err)
	}
	logf("checkpoint origin=%s size=%d", cp.origin, cp.size)

	// 2. Every tile and bundle of the tree.
	tiles := treeTiles(cp.size)
	served := fetchAll(tiles, jobs)
	records := readBundles(cp.size, served)
	for i, record := range records {
		t := levelZeroTile(cp.size, int64(i))
		at := int(int64(i)%tileWidth) * tlog.HashSize
		if leaf := tlog.RecordHash(record); !bytes.Equal(served[t][at:at+tlog.HashSize], leaf[:]) {
			fail("%s: entry %d does not hash to its leaf in %s", path(tlog.Tile{H: height, L: -1, N: t.N, W: t.W}), i, path(t))
		}
	}
	stored := rebuild(records)
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("stored hash %d not in the rebuilt tree", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	root, err := tlog.TreeHash(cp.size, reader)
	if err != nil {
		fatal("tlog.TreeHash(%d): %v", cp.size, err)
	}
	if root != cp.root {
		fail("the tree rebuilt from the %d entries in the bundles has root %s; the checkpoint says %s", cp.size, b64(root), b64(cp.root))
	}

	// 3. Every hash tile byte for byte.
	hashTiles := 0
	for _, t := range tiles {
		if t.L < 0 {
			continue
		}
		hashTiles++
		want, err := tlog.ReadTileData(t, reader)
		if err != nil {
			fail("%s: tlog.ReadTileData: %v", path(t), err)
			continue
		}
		if got := served[t]; !bytes.Equal(got, want) {
			fail("%s: %d bytes served differ from the tile of the rebuilt tree (%d bytes)%s", path(t), len(got), len(want), firstDifference(got, want))
		}
	}

	// 4. Inclusion of sampled entries, proved from the served tiles alone.
	tree := tlog.Tree{N: cp.size, Hash: cp.root}
	fromTiles := tlog.TileHashReader(tree, &servedTiles{served: served, jobs: jobs})
	rng := rand.New(rand.NewSource(seed))
	checked := 0
	for _, i := range sample(cp.size, samples, rng) {
		proof, err := tlog.ProveRecord(cp.size, i, fromTiles)
		if err != nil {
			fail("inclusion of %d: tlog.ProveRecord from the tiles: %v", i, err)
			continue
		}
		if err := tlog.CheckRecord(proof, cp.size, cp.root, i, tlog.RecordHash(records[i])); err != nil {
			fail("inclusion of %d: tlog.CheckRecord: %v", i, err)
			continue
		}
		checked++
	}

	// 5. Consistency with a checkpoint taken earlier.
	consistency := "none"
	if previousFile != "" {
		consistency = checkPrevious(previousFile, verifier, cp, fromTiles, reader)
	}

	if failN == 0 && saveFile != "" {
		if err := os.WriteFile(saveFile, raw, 0o644); err != nil {
			fail("-save %s: %v", saveFile, err)
		}
	}
	bundles := len(tiles) - hashTiles
	finish(fmt.Sprintf("tiles ok: size=%d tiles=%d bundles=%d inclusion=%d consistency=%s origin=%s", cp.size, hashTiles, bundles, checked, consistency, cp.origin))
}

// ---- the checkpoint ----

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

var sizeLine = regexp.MustCompile(`^(0|[1-9][0-9]{0,18})$`)

// openCheckpoint verifies a signed note with the verifier and parses its text,
// which must be exactly "<origin>\n<size>\n<base64 root>\n" (tracechain's
// checkpoints carry no extension lines) with origin the verifier's name.
func openCheckpoint(raw []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(raw, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[3] != "" {
		return checkpoint{}, fmt.Errorf("text is not three lines: %q", n.Text)
	}
	if lines[0] != verifier.Name() {
		return checkpoint{}, fmt.Errorf("origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	if !sizeLine.MatchString(lines[1]) {
		return checkpoint{}, fmt.Errorf("size line %q", lines[1])
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("size line %q: %v", lines[1], err)
	}
	rootBytes, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize || base64.StdEncoding.EncodeToString(rootBytes) != lines[2] {
		return checkpoint{}, fmt.Errorf("root line %q is not canonical base64 of %d bytes", lines[2], tlog.HashSize)
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	return checkpoint{origin: lines[0], size: size, root: root}, nil
}

func checkPrevious(file string, verifier note.Verifier, cp checkpoint, fromTiles, rebuilt tlog.HashReader) string {
	raw, err := os.ReadFile(file)
	if err != nil {
		fail("-previous: %v", err)
		return "unreadable"
	}
	old, err := openCheckpoint(raw, verifier)
	if err != nil {
		fail("-previous %s: %v", file, err)
		return "invalid"
	}
	switch {
	case old.size > cp.size:
		fail("the tree shrank from %d (the previous checkpoint) to %d", old.size, cp.size)
	case old.size == cp.size:
		if old.root != cp.root {
			fail("two checkpoints of size %d with roots %s and %s: a fork", cp.size, b64(old.root), b64(cp.root))
		}
	default:
		proof, err := tlog.ProveTree(cp.size, old.size, fromTiles)
		if err != nil {
			fail("consistency %d -> %d: tlog.ProveTree from the tiles: %v", old.size, cp.size, err)
		} else if err := tlog.CheckTree(proof, cp.size, cp.root, old.size, old.root); err != nil {
			fail("consistency %d -> %d: tlog.CheckTree: %v", old.size, cp.size, err)
		}
		if h, err := tlog.TreeHash(old.size, rebuilt); err != nil || h != old.root {
			fail("the rebuilt tree's hash at %d is not the previous checkpoint's root (%v)", old.size, err)
		}
	}
	return fmt.Sprintf("%d->%d", old.size, cp.size)
}

// ---- tiles ----

// treeTiles lists every hash tile and entry bundle (L = -1) a copy of the
// tree of size n serves: the full ones and the rightmost partial one of each
// level (tlog.NewTiles(8, 0, n) would list every partial width up to it).
func treeTiles(n int64) []tlog.Tile {
	var tiles []tlog.Tile
	for level, count := 0, n; count > 0; level, count = level+1, count>>height {
		for i := int64(0); i < count>>height; i++ {
			tiles = append(tiles, tlog.Tile{H: height, L: level, N: i, W: tileWidth})
			if level == 0 {
				tiles = append(tiles, tlog.Tile{H: height, L: -1, N: i, W: tileWidth})
			}
		}
		if w := int(count % tileWidth); w > 0 {
			tiles = append(tiles, tlog.Tile{H: height, L: level, N: count >> height, W: w})
			if level == 0 {
				tiles = append(tiles, tlog.Tile{H: height, L: -1, N: count >> height, W: w})
			}
		}
	}
	return tiles
}

// levelZeroTile is the level-0 tile holding leaf i in the tree of size n.
func levelZeroTile(n, i int64) tlog.Tile {
	w := tileWidth
	if rest := n - i/tileWidth*tileWidth; rest < tileWidth {
		w = int(rest)
	}
	return tlog.Tile{H: height, L: 0, N: i / tileWidth, W: w}
}

// path is the C2SP path of a tile: Go's tile/H/L/... without the height, and
// tile/entries/ for the data tiles (bundles).
func path(t tlog.Tile) string {
	p := t.Path()
	if t.L < 0 {
		return "tile/entries/" + strings.TrimPrefix(p, fmt.Sprintf("tile/%d/data/", height))
	}
	return "tile/" + strings.TrimPrefix(p, fmt.Sprintf("tile/%d/", height))
}

func fetchAll(tiles []tlog.Tile, jobs int) map[tlog.Tile][]byte {
	served := make(map[tlog.Tile][]byte, len(tiles))
	var mu sync.Mutex
	work := make(chan tlog.Tile)
	var wg sync.WaitGroup
	for j := 0; j < jobs; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				body, found, err := get(path(t))
				switch {
				case err != nil:
					fail("%s: %v", path(t), err)
				case !found:
					fail("%s: not served (404)", path(t))
				default:
					mu.Lock()
					served[t] = body
					mu.Unlock()
				}
			}
		}()
	}
	for _, t := range tiles {
		work <- t
	}
	close(work)
	wg.Wait()
	if failN > 0 {
		finish("")
	}
	logf("fetched %d tiles and bundles", len(tiles))
	return served
}

// readBundles returns the n entries of the tree from its bundles, each
// checked to hold exactly its width of uint16-length-prefixed entries.
func readBundles(n int64, served map[tlog.Tile][]byte) [][]byte {
	records := make([][]byte, 0, n)
	for i := int64(0); i*tileWidth < n; i++ {
		w := tileWidth
		if rest := n - i*tileWidth; rest < tileWidth {
			w = int(rest)
		}
		t := tlog.Tile{H: height, L: -1, N: i, W: w}
		entries, err := splitBundle(served[t], w)
		if err != nil {
			fatal("%s: %v", path(t), err)
		}
		records = append(records, entries...)
	}
	return records
}

func splitBundle(data []byte, count int) ([][]byte, error) {
	var entries [][]byte
	for len(data) > 0 {
		if len(entries) == count {
			return nil, fmt.Errorf("more than %d entries", count)
		}
		if len(data) < 2 {
			return nil, errors.New("ends inside an entry's length")
		}
		size := int(data[0])<<8 | int(data[1])
		if len(data) < 2+size {
			return nil, fmt.Errorf("ends inside entry %d", len(entries))
		}
		entries = append(entries, data[2:2+size])
		data = data[2+size:]
	}
	if len(entries) != count {
		return nil, fmt.Errorf("%d entries, not %d", len(entries), count)
	}
	return entries, nil
}

// rebuild computes every stored hash of the tree of the records, as a
// go.sum database server does (tlog.StoredHashes).
func rebuild(records [][]byte) []tlog.Hash {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, record := range records {
		hashes, err := tlog.StoredHashes(int64(i), record, reader)
		if err != nil {
			fatal("tlog.StoredHashes(%d): %v", i, err)
		}
		stored = append(stored, hashes...)
	}
	return stored
}

// servedTiles is a tlog.TileReader over the tiles as the copy served them:
// what TileHashReader authenticates is the copy's bytes, not the rebuilt tree.
type servedTiles struct {
	served map[tlog.Tile][]byte
	jobs   int
}

func (s *servedTiles) Height() int { return height }

func (s *servedTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, ok := s.served[t]
		if !ok {
			body, found, err := get(path(t))
			if err != nil || !found {
				return nil, fmt.Errorf("%s: %v (found=%v)", path(t), err, found)
			}
			data = body
		}
		out[i] = data
	}
	return out, nil
}

func (s *servedTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// ---- helpers ----

func get(p string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", baseURL+"/"+p, nil)
	if err != nil {
		return nil, false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, false, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, false, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return body, true, nil
}

// sample picks inclusion indexes: 0, n-1, both sides of every tile edge up
// to `count`, the rest at random; every index when count is 0 or n <= count.
func sample(n int64, count int, rng *rand.Rand) []int64 {
	if n == 0 {
		return nil
	}
	if count == 0 || n <= int64(count) {
		all := make([]int64, n)
		for i := range all {
			all[i] = int64(i)
		}
		return all
	}
	picked := map[int64]bool{0: true, n - 1: true}
	for edge := int64(tileWidth); edge < n && len(picked) < count/2; edge += tileWidth {
		picked[edge-1], picked[edge] = true, true
	}
	for len(picked) < count {
		picked[rng.Int63n(n)] = true
	}
	out := make([]int64, 0, len(picked))
	for i := range picked {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

func firstDifference(got, want []byte) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return fmt.Sprintf(" (first at byte %d)", i)
		}
	}
	return ""
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

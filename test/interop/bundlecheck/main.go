// Command bundlecheck verifies the proofs of a tracechain offline proof bundle
// (docs/bundles.md, tracechain.bundle/v1) from the file alone, with the log's
// verifier key given on the command line. It uses only
// golang.org/x/mod/sumdb/note, golang.org/x/mod/sumdb/tlog and the Go standard
// library, and shares no code with tracechain.
//
// Usage:
//
//	bundlecheck -bundle FILE -key VERIFIER_KEY
//
// It checks:
//
//  1. The bundle's checkpoint opens with note.Open and the key given (lines
//     signed by keys it does not know, such as witness cosignatures, are
//     skipped), and its text is "<origin>\n<size>\n<base64 root>\n" with
//     origin the key's name.
//  2. Every entry's proof is C2SP tlog-proof text (https://c2sp.org/tlog-proof):
//     the header, an optional extra line, "index N" with N the entry's seq,
//     32-byte base64 hashes, an empty line, then the bundle's checkpoint byte
//     for byte.
//  3. tlog.CheckRecord(proof, size, root, seq, tlog.RecordHash(leaf bytes))
//     passes for every entry: its exact bytes are in the signed tree.
//
// Signatures of the statements inside the entries are tracechain's own
// (DSSE): `tracechain verify --bundle` checks those. On success it prints one
// "bundle ok: ..." line and exits 0; on failure "FAIL: ..." lines and exits 1.
// Bad flags exit 2.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const proofHeader = "c2sp.org/tlog-proof@v1"

type bundleFile struct {
	Format     string `json:"format"`
	Checkpoint string `json:"checkpoint"`
	Entries    []struct {
		Seq   int64  `json:"seq"`
		Leaf  string `json:"leaf"`
		Proof string `json:"proof"`
	} `json:"entries"`
}

type tlogProof struct {
	index      int64
	hashes     tlog.RecordProof
	checkpoint string
}

// parseProof reads tlog-proof text as the spec writes it, strictly.
func parseProof(text string) (tlogProof, error) {
	lines := strings.Split(text, "\n")
	at := 0
	if lines[at] != proofHeader {
		return tlogProof{}, errors.New("missing tlog-proof header")
	}
	at++
	if at < len(lines) && strings.HasPrefix(lines[at], "extra ") {
		if _, err := base64.StdEncoding.Strict().DecodeString(lines[at][len("extra "):]); err != nil {
			return tlogProof{}, fmt.Errorf("extra: %v", err)
		}
		at++
	}
	if at >= len(lines) || !strings.HasPrefix(lines[at], "index ") {
		return tlogProof{}, errors.New("missing index line")
	}
	digits := lines[at][len("index "):]
	index, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || index < 0 || strconv.FormatInt(index, 10) != digits {
		return tlogProof{}, fmt.Errorf("bad index %q", digits)
	}
	at++
	var hashes tlog.RecordProof
	for ; at < len(lines) && lines[at] != ""; at++ {
		raw, err := base64.StdEncoding.Strict().DecodeString(lines[at])
		if err != nil || len(raw) != tlog.HashSize {
			return tlogProof{}, fmt.Errorf("bad proof hash %q", lines[at])
		}
		var hash tlog.Hash
		copy(hash[:], raw)
		hashes = append(hashes, hash)
	}
	if at >= len(lines) {
		return tlogProof{}, errors.New("no empty line before the checkpoint")
	}
	return tlogProof{index: index, hashes: hashes, checkpoint: strings.Join(lines[at+1:], "\n")}, nil
}

// parseTree reads "<origin>\n<size>\n<base64 root>\n" (tlog.ParseTree expects go.sum's own first line).
func parseTree(text, origin string) (tlog.Tree, error) {
	lines := strings.Split(text, "\n")
	if len(lines) != 4 || lines[3] != "" || lines[0] != origin {
		return tlog.Tree{}, fmt.Errorf("checkpoint text is not origin, size and root: %q", text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 1 || strconv.FormatInt(size, 10) != lines[1] {
		return tlog.Tree{}, fmt.Errorf("bad size %q", lines[1])
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("bad root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return tlog.Tree{N: size, Hash: root}, nil
}

func main() {
	file := flag.String("bundle", "", "the bundle file")
	key := flag.String("key", "", "the log's verifier key")
	flag.Parse()
	if *file == "" || *key == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bundlecheck -bundle FILE -key VERIFIER_KEY")
		os.Exit(2)
	}
	failures, summary := check(*file, *key)
	if len(failures) > 0 {
		for _, failure := range failures {
			fmt.Println("FAIL: " + failure)
		}
		fmt.Printf("bundle FAILED: %d failure(s)\n", len(failures))
		os.Exit(1)
	}
	fmt.Println(summary)
}

func check(file, key string) ([]string, string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}, ""
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	var bundle bundleFile
	if err := decoder.Decode(&bundle); err != nil {
		return []string{"bundle JSON: " + err.Error()}, ""
	}
	if bundle.Format != "tracechain.bundle/v1" {
		return []string{fmt.Sprintf("format %q", bundle.Format)}, ""
	}
	verifier, err := note.NewVerifier(key)
	if err != nil {
		return []string{"verifier key: " + err.Error()}, ""
	}
	opened, err := note.Open([]byte(bundle.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		return []string{"checkpoint: " + err.Error()}, ""
	}
	tree, err := parseTree(opened.Text, verifier.Name())
	if err != nil {
		return []string{err.Error()}, ""
	}
	var failures []string
	for _, entry := range bundle.Entries {
		leaf, err := base64.StdEncoding.Strict().DecodeString(entry.Leaf)
		if err != nil {
			failures = append(failures, fmt.Sprintf("entry %d: leaf: %v", entry.Seq, err))
			continue
		}
		proof, err := parseProof(entry.Proof)
		if err != nil {
			failures = append(failures, fmt.Sprintf("entry %d: %v", entry.Seq, err))
			continue
		}
		if proof.index != entry.Seq || proof.checkpoint != bundle.Checkpoint {
			failures = append(failures, fmt.Sprintf("entry %d: its proof is of index %d or of another checkpoint", entry.Seq, proof.index))
			continue
		}
		if err := tlog.CheckRecord(proof.hashes, tree.N, tree.Hash, entry.Seq, tlog.RecordHash(leaf)); err != nil {
			failures = append(failures, fmt.Sprintf("entry %d: %v", entry.Seq, err))
		}
	}
	return failures, fmt.Sprintf("bundle ok: entries=%d size=%d unverified-signatures=%d origin=%s", len(bundle.Entries), tree.N, len(opened.UnverifiedSigs), verifier.Name())
}

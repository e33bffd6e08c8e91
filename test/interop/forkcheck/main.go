// Command forkcheck checks a tracechain mirror's evidence of a split view
// (docs/mirror.md, "Proving a fork") from its files alone, with the log's
// verifier key given on the command line. It uses only
// golang.org/x/mod/sumdb/note, golang.org/x/mod/sumdb/tlog and the Go standard
// library, and shares no code with tracechain.
//
// Usage:
//
//	forkcheck -dir EVIDENCE_DIR -key VERIFIER_KEY
//
// It checks:
//
//  1. accepted-checkpoint and offered-checkpoint open with note.Open and the
//     key given, and their texts are "<origin>\n<size>\n<base64 root>\n...".
//  2. Of one size, their roots differ. Of different sizes, fork-proof names the
//     larger ("larger accepted|offered") and the smaller's size, and
//     tlog.CheckTree(proof, largerSize, largerRoot, size, root) passes: the
//     larger tree had that root at the smaller size.
//  3. That root is not the one the smaller checkpoint signs.
//
// The tiles kept beside the proof are tracechain's own check (`tracechain
// verify --evidence`). It prints "fork proven: ..." and exits 0, or
// "NOT PROVEN: ..." and exits 1. Bad flags exit 2.
package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const proofHeader = "tracechain.dev/fork-proof@v1"

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func main() {
	dir := flag.String("dir", "", "the evidence directory")
	key := flag.String("key", "", "the log's note verifier key")
	flag.Parse()
	if *dir == "" || *key == "" {
		fmt.Fprintln(os.Stderr, "usage: forkcheck -dir EVIDENCE_DIR -key VERIFIER_KEY")
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(*key)
	if err != nil {
		fmt.Fprintln(os.Stderr, "forkcheck: bad key:", err)
		os.Exit(2)
	}
	said, err := check(*dir, verifier)
	if err != nil {
		fmt.Println("NOT PROVEN:", err)
		os.Exit(1)
	}
	fmt.Println("fork proven:", said)
}

func check(dir string, verifier note.Verifier) (string, error) {
	accepted, err := openCheckpoint(filepath.Join(dir, "accepted-checkpoint"), verifier)
	if err != nil {
		return "", err
	}
	offered, err := openCheckpoint(filepath.Join(dir, "offered-checkpoint"), verifier)
	if err != nil {
		return "", err
	}
	if accepted.size == offered.size {
		if accepted.root == offered.root {
			return "", errors.New("one size, one root: no fork")
		}
		return fmt.Sprintf("size=%d two roots", accepted.size), nil
	}
	larger, smaller, side := offered, accepted, "offered"
	if accepted.size > offered.size {
		larger, smaller, side = accepted, offered, "accepted"
	}
	text, err := os.ReadFile(filepath.Join(dir, "fork-proof"))
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	if len(lines) < 5 || lines[0] != proofHeader || lines[1] != "larger "+side || !strings.HasPrefix(lines[2], "size ") || !strings.HasPrefix(lines[3], "root ") {
		return "", errors.New("fork-proof is not of the larger checkpoint's tree in the documented form")
	}
	size, err := strconv.ParseInt(strings.TrimPrefix(lines[2], "size "), 10, 64)
	if err != nil || size != smaller.size {
		return "", errors.New("fork-proof's size is not the smaller checkpoint's")
	}
	root, err := hash(strings.TrimPrefix(lines[3], "root "))
	if err != nil {
		return "", err
	}
	var proof tlog.TreeProof
	for _, line := range lines[4:] {
		if line == "" {
			break
		}
		h, err := hash(line)
		if err != nil {
			return "", err
		}
		proof = append(proof, h)
	}
	if err := tlog.CheckTree(proof, larger.size, larger.root, size, root); err != nil {
		return "", fmt.Errorf("the consistency proof does not verify: %v", err)
	}
	if root == smaller.root {
		return "", errors.New("the larger tree extends the smaller: no fork")
	}
	return fmt.Sprintf("larger=%s size=%d root-at-%d=%s differs", side, larger.size, size, base64.StdEncoding.EncodeToString(root[:])), nil
}

func openCheckpoint(file string, verifier note.Verifier) (checkpoint, error) {
	msg, err := os.ReadFile(file)
	if err != nil {
		return checkpoint{}, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %v", filepath.Base(file), err)
	}
	lines := bytes.SplitN([]byte(n.Text), []byte("\n"), 4)
	if len(lines) < 4 || string(lines[0]) != verifier.Name() {
		return checkpoint{}, fmt.Errorf("%s: not a checkpoint of %s", filepath.Base(file), verifier.Name())
	}
	size, err := strconv.ParseInt(string(lines[1]), 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: bad size", filepath.Base(file))
	}
	root, err := hash(string(lines[2]))
	if err != nil {
		return checkpoint{}, err
	}
	return checkpoint{origin: string(lines[0]), size: size, root: root}, nil
}

func hash(text string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("%q is not a base64 32-byte hash", text)
	}
	copy(h[:], b)
	return h, nil
}

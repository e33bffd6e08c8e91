package main

import (
	"math/rand"
	"strings"
	"testing"
)

func newRand() *rand.Rand { return rand.New(rand.NewSource(1)) }

// Run: GO111MODULE=off GOPATH=/usr/share/gocode go test ./test/interop/checker

func TestCanonicalEntry(t *testing.T) {
	in := `{"seq": 2, "recordedAt":"2026-11-28T07:00:00.000Z",
	  "envelope": {"signatures":[{"sig":"c2ln","keyid":"0011223344556677"}],
	  "payloadType":"application/vnd.tracechain.statement+json","payload":"e30="},
	  "prev":"` + strings.Repeat("ab", 32) + `"}`
	want := `{"envelope":{"payload":"e30=","payloadType":"application/vnd.tracechain.statement+json",` +
		`"signatures":[{"keyid":"0011223344556677","sig":"c2ln"}]},"prev":"` + strings.Repeat("ab", 32) +
		`","recordedAt":"2026-11-28T07:00:00.000Z","seq":2}`
	got, f, err := canonicalEntry([]byte(in))
	if err != nil || string(got) != want || f.seq != 2 || f.prev != strings.Repeat("ab", 32) {
		t.Fatalf("got %s %+v %v\nwant %s", got, f, err, want)
	}
	// '<', '>', '&' stay raw (SetEscapeHTML(false)); '"' and '\' are escaped.
	got, _, err = canonicalEntry([]byte(`{"seq":0,"prev":"` + strings.Repeat("0", 64) + `","x":"<a&b> \"q\" \\"}`))
	if err != nil || !strings.Contains(string(got), `"x":"<a&b> \"q\" \\"`) {
		t.Fatalf("got %s %v", got, err)
	}
}

func TestCanonicalEntryRefusesOutsideSubset(t *testing.T) {
	p := `"prev":"` + strings.Repeat("0", 64) + `"`
	for _, in := range []string{
		`{"seq":1.0,` + p + `}`,
		`{"seq":1e0,` + p + `}`,
		`{"seq":9007199254740992,` + p + `}`,
		`{"seq":0,` + p + `,"x":"\u00e9"}`,
		`{"seq":0,` + p + `,"x":"a\bb"}`,
		`{"seq":0,` + p + `,"x":"\u2028"}`,
		`{"seq":0,` + p + `,"seq":0}`,
		`{"seq":0,` + p + `} {}`,
		`{"seq":0,"prev":"` + strings.Repeat("A", 64) + `"}`,
		`{"seq":-1,` + p + `}`,
		`[]`,
	} {
		if _, _, err := canonicalEntry([]byte(in)); err == nil {
			t.Errorf("accepted %s", in)
		}
	}
}

func TestParseCheckpoint(t *testing.T) {
	root := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	cp, err := parseCheckpoint("tracechain.local/n1\n12\n" + root + "\n")
	if err != nil || cp.origin != "tracechain.local/n1" || cp.size != 12 || b64(cp.root) != root {
		t.Fatalf("got %+v %v", cp, err)
	}
	for _, text := range []string{
		"tracechain.local/n1\n12\n" + root,                                        // no final newline
		"tracechain.local/n1\n012\n" + root + "\n",                                // leading zero
		"tracechain.local/n1\n+12\n" + root + "\n",                                // sign
		"tracechain.local/n1\n12\n" + root + "\next\n",                            // extension line
		"tracechain.local/n1\n12\n" + root[:43] + "\n",                            // unpadded
		"tracechain.local/n1\n12\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n", // non-canonical
		"\n12\n" + root + "\n",                                                    // empty origin
		"tracechain.local/n1\n99999999999999999999\n" + root + "\n",
	} {
		if _, err := parseCheckpoint(text); err == nil {
			t.Errorf("accepted %q", text)
		}
	}
}

func TestSample(t *testing.T) {
	if got := sample(0, 9, 0, nil, nil); len(got) != 10 {
		t.Fatalf("all: %v", got)
	}
	got := sample(1, 100000, 50, edges(1, 100000), newRand())
	if len(got) < 50 || got[0] != 1 || got[len(got)-1] != 100000 {
		t.Fatalf("sample: %v", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("not sorted/distinct: %v", got)
		}
	}
}

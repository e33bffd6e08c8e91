package main

import (
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func TestPathIsTheSpecs(t *testing.T) {
	cases := map[tlog.Tile]string{
		{H: 8, L: 0, N: 1234067, W: 256}: "tile/0/x001/x234/067",
		{H: 8, L: 1, N: 5, W: 17}:        "tile/1/005.p/17",
		{H: 8, L: -1, N: 0, W: 256}:      "tile/entries/000",
		{H: 8, L: -1, N: 1000, W: 3}:     "tile/entries/x001/000.p/3",
	}
	for tile, want := range cases {
		if got := path(tile); got != want {
			t.Errorf("path(%+v) = %q, want %q", tile, got, want)
		}
	}
}

// The spec's example: a tree of 70,000 is 273 full level-0 tiles, tile/0/273.p/112, tile/1/000,
// tile/1/001.p/17, tile/2/000.p/1, and a bundle for each level-0 tile.
func TestTreeTilesOfTheSpecsExample(t *testing.T) {
	var paths []string
	for _, tile := range treeTiles(70000) {
		paths = append(paths, path(tile))
	}
	if len(paths) != 2*274+3 {
		t.Fatalf("%d tiles and bundles, want %d", len(paths), 2*274+3)
	}
	joined := strings.Join(paths, " ")
	for _, want := range []string{"tile/0/272", "tile/0/273.p/112", "tile/entries/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1"} {
		if !strings.Contains(joined+" ", want+" ") {
			t.Errorf("no %s", want)
		}
	}
	if len(treeTiles(0)) != 0 {
		t.Errorf("the empty tree has tiles")
	}
	if got := len(treeTiles(256)); got != 3 {
		t.Errorf("a tree of 256: %d tiles and bundles, want tile/0/000, tile/entries/000, tile/1/000.p/1", got)
	}
}

func TestSplitBundle(t *testing.T) {
	bundle := []byte{0, 0, 0, 3, 'a', 'b', 'c'}
	entries, err := splitBundle(bundle, 2)
	if err != nil || len(entries) != 2 || string(entries[1]) != "abc" {
		t.Fatalf("splitBundle = %q, %v", entries, err)
	}
	for _, bad := range []struct {
		data  []byte
		count int
	}{
		{bundle, 1}, {bundle, 3}, {bundle[:6], 2}, {[]byte{0}, 1}, {nil, 1},
	} {
		if _, err := splitBundle(bad.data, bad.count); err == nil {
			t.Errorf("splitBundle(%v, %d) accepted", bad.data, bad.count)
		}
	}
}

package netlab

import (
	"go/build"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/socklab/socklab/"

// layers is the one-way order doc.go draws: each package may depend, at any
// depth, only on the socklab packages listed for it.
var layers = map[string][]string{
	"netlab/event":              {"netlab/safetext"},
	"netlab/wire":               {"netlab/safetext", "netlab/event"},
	"netlab/internal/linequeue": {"netlab/safetext", "netlab/event"},
	"netlab/sock":               {"netlab/safetext", "netlab/event", "netlab/wire", "netlab/internal/linequeue"},
	// internal/testhook is a leaf that imports nothing: a place where the
	// e2e test binary plants a fault.
	"netlab/service": {"netlab/safetext", "netlab/event", "netlab/wire", "netlab/internal/linequeue", "netlab/sock", "netlab/calc", "internal/testhook"},
	"lessons/rules":  {"netlab/safetext", "netlab/event"},
}

// TestLayersOneWay reads the imports of the non-test files, on every
// platform socklab builds for, and fails when a package reaches above its
// layer: the vocabulary importing the socket core, the core the services,
// lessons/rules anything but the vocabulary.
func TestLayersOneWay(t *testing.T) {
	t.Parallel()
	forEachPlatform(func(goos string, ctx build.Context) {
		for pkg, allowed := range layers {
			for dep := range moduleDeps(t, ctx, pkg) {
				if !slices.Contains(allowed, dep) {
					t.Errorf("%s (GOOS=%s) depends on %s; its layer allows only %v", pkg, goos, dep, allowed)
				}
			}
		}
	})
}

// moduleDeps is every socklab package pkg imports, directly or not.
func moduleDeps(t *testing.T, ctx build.Context, pkg string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	var walk func(p string)
	walk = func(p string) {
		bp, err := ctx.ImportDir(filepath.Join("..", filepath.FromSlash(p)), 0)
		if err != nil {
			t.Fatalf("GOOS=%s: import %s: %v", ctx.GOOS, p, err)
		}
		for _, imp := range bp.Imports {
			rel, ok := strings.CutPrefix(imp, module)
			if !ok || seen[rel] {
				continue
			}
			seen[rel] = true
			walk(rel)
		}
	}
	walk(pkg)
	return seen
}

// testsOnly are the packages only tests may import: testrun starts child
// test processes from an environment variable (Alone), testpython looks
// for an interpreter. The socklab binary must hold neither.
var testsOnly = []string{"internal/testrun", "internal/testpython"}

// TestShippedBinaryHoldsNoTestHelpers reads the imports of socklab's main
// package (non-test files, at any depth) on every platform it builds for.
func TestShippedBinaryHoldsNoTestHelpers(t *testing.T) {
	t.Parallel()
	forEachPlatform(func(goos string, ctx build.Context) {
		for dep := range moduleDeps(t, ctx, ".") {
			if slices.Contains(testsOnly, dep) {
				t.Errorf("socklab (GOOS=%s) imports %s, which only tests may", goos, dep)
			}
		}
	})
}

// forEachPlatform calls f with the build context of each platform socklab
// builds for, without cgo.
func forEachPlatform(f func(goos string, ctx build.Context)) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		ctx := build.Default
		ctx.GOOS = goos
		ctx.CgoEnabled = false
		f(goos, ctx)
	}
}

package humafork_test

import (
	"path/filepath"
	"testing"

	"github.com/warmlead/warmlead/infra/humafork"
)

// The copy the project builds with is upstream huma, at the version go.mod
// requires, plus third_party/huma.patch, to the byte.
func TestForkIsUpstreamPlusPatch(t *testing.T) {
	root := filepath.Join("..", "..")
	version, err := humafork.RequiredVersion()
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := humafork.Upstream(version)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(t.TempDir(), "huma")
	if err := humafork.Build(upstream, filepath.Join(root, "third_party", "huma.patch"), want); err != nil {
		t.Fatal(err)
	}
	diff, err := humafork.Diff(want, filepath.Join(root, "third_party", "huma"))
	if err != nil {
		t.Fatal(err)
	}
	if len(diff) > 0 {
		t.Errorf("third_party/huma is not huma %s plus third_party/huma.patch; these differ: %v (make huma-fork rebuilds it)", version, diff)
	}
}

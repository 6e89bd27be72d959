package sqlgen_test

import (
	"os"
	"path/filepath"
	"testing"
)

// npmFolder returns the folder the environment variable env names, which
// holds node_modules/<module> (.ci/run installs the npm modules the SQL
// tests run), or skips the test, saying why, when env is unset or the
// module is not installed there.
func npmFolder(t *testing.T, env, module string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		t.Skipf("%s (a folder with node_modules/%s) is not set", env, module)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", module)); err != nil {
		t.Skipf("%s not installed: %v", module, err)
	}
	return dir
}

// nodeWork returns a temporary folder for a node script run: a link to
// dir's node_modules (a script's imports resolve beside it) and a copy of
// each of the scripts, paths under testdata, by their base names.
func nodeWork(t *testing.T, dir string, scripts ...string) string {
	t.Helper()
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "node_modules"), filepath.Join(work, "node_modules")); err != nil {
		t.Fatal(err)
	}
	for _, s := range scripts {
		b, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, filepath.Base(s)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

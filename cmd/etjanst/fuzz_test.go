package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/etjanst/etjanst/examples/forms"
)

// FuzzLint feeds arbitrary definitions to lint: it must never panic and
// must answer 0 or 1 for any readable file.
func FuzzLint(f *testing.F) {
	for _, id := range forms.IDs() {
		b, err := forms.Definition(id)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(brokenForm))
	f.Add([]byte(lintProblemsForm))
	f.Add([]byte(`{"id":"x","steps":[{"fields":[{"type":"group","fields":[{"type":"group"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "form.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if code := run([]string{"lint", p}, io.Discard, io.Discard); code != exitOK && code != exitProblems {
			t.Fatalf("lint exit %d", code)
		}
	})
}

// FuzzCheck feeds arbitrary answers to check against the example forms:
// it must never panic and must answer 0 or 1.
func FuzzCheck(f *testing.F) {
	for _, id := range forms.IDs() {
		for _, get := range []func(string) ([]byte, error){forms.SampleValues, forms.InvalidSampleValues} {
			b, err := get(id)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(len(b)), b)
		}
	}
	f.Add(uint8(0), []byte(`{"borrhalLista":[{"djup":"1e999"},null,{}],"situationsplan":[{}]}`))
	f.Add(uint8(1), []byte(`{"tidigareTillstand":{"a":1},"hjalpmedel":"annat","gangstracka":"9 000"}`))
	ids := forms.IDs()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		id := ids[int(which)%len(ids)]
		p := filepath.Join(t.TempDir(), "values.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		def := filepath.Join("..", "..", "examples", "forms", id+".json")
		if code := run([]string{"check", "-today", forms.SampleDate, def, p}, io.Discard, io.Discard); code != exitOK && code != exitProblems {
			t.Fatalf("check exit %d", code)
		}
	})
}

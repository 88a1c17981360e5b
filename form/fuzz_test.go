package form_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/etjanst/etjanst/form"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	if b, err := json.Marshal(testForm()); err == nil {
		f.Add(b)
	}
	paths, _ := filepath.Glob("../examples/forms/*.json")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"id":"x","steps":[{"fields":[{"condition":{"all":[]}}]}]}`))
	f.Add([]byte(`{"title":{"sv":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, err := form.Parse(data)
		if err != nil {
			return
		}
		// A parsed form is usable: check some values without panicking.
		if fm.Err() != nil {
			t.Fatalf("Parse returned a form with problems: %v", fm.Err())
		}
		_, _ = fm.Check(context.Background(), form.Values{}, nil)
		out, err := json.Marshal(fm)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := form.Parse(out); err != nil {
			t.Fatalf("re-encoded definition does not parse: %v", err)
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	fm := testForm()
	for _, s := range []string{
		`{"name":"x","distance":12,"amount":"1,5","aids":["rollator"],"kids":[{"kidName":"a","kidAge":3}]}`,
		`{"certificate":[{"id":"a","name":"b","contentType":"application/pdf","size":1,"sha256":"00"}]}`,
		`{"consent":"ja","from":"2026-01-01"}`, `[]`, `null`, `{"kids":[null,1,{}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := form.DecodeJSON(fm, data)
		if err != nil && v == nil {
			return
		}
		r, cerr := fm.Check(context.Background(), v, &form.CheckOptions{Now: fixedNow})
		if cerr != nil {
			t.Fatal(cerr)
		}
		// Canonical encoding round-trips for whatever was decoded.
		enc, _ := r.Values.MarshalJSON()
		back, err := form.DecodeJSON(fm, enc)
		if err != nil {
			t.Fatalf("canonical encoding %s does not decode: %v", enc, err)
		}
		again, _ := back.MarshalJSON()
		if string(again) != string(enc) {
			t.Fatalf("not canonical:\n%s\n%s", enc, again)
		}
	})
}

func FuzzDecodeForm(f *testing.F) {
	fm := testForm()
	f.Add("distance=12&amount=1%2C5&aids=rollator&role=driver")
	f.Add("kids%5B0%5D.kidName=Ida&kids%5B1%5D.kidAge=x")
	f.Add("consent=on")
	f.Fuzz(func(t *testing.T, query string) {
		post, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		for _, s := range fm.Steps {
			v, err := form.DecodeForm(fm, s.ID, post)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fm.Check(context.Background(), v, &form.CheckOptions{Mode: form.Partial, Now: fixedNow}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

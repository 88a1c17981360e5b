package form_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

// benchStep is a 20-field step of mixed types, with the raw values and the
// equivalent validator tags used by the baseline.
func benchStep() (*form.Form, form.Values, []any, []string) {
	type spec struct {
		field form.Field
		value form.Value
		raw   any
		tag   string
	}
	o := []form.Option{opt("a"), opt("b"), opt("c")}
	specs := []spec{
		{form.Field{Type: form.TypeText, Required: true, MaxLength: 100}, form.String("Tolvan Tolvansson"), "Tolvan Tolvansson", "required,max=100"},
		{form.Field{Type: form.TypeText, Required: true, MaxLength: 100}, form.String("Storgatan 1"), "Storgatan 1", "required,max=100"},
		{form.Field{Type: form.TypeTextarea, MaxLength: 4000}, form.String("Lite längre text om ärendet."), "Lite längre text om ärendet.", "max=4000"},
		{form.Field{Type: form.TypeEmail, Required: true}, form.String("tolvan@example.se"), "tolvan@example.se", "required,email"},
		{form.Field{Type: form.TypePhone}, form.String("070-123 45 67"), "+46701234567", "e164"},
		{form.Field{Type: form.TypePersonnummer, Required: true}, form.String("191212121212"), "191212121212", "required,numeric,len=12"},
		{form.Field{Type: form.TypeOrganisationsnummer}, form.String("5560160680"), "5560160680", "numeric,len=10"},
		{form.Field{Type: form.TypePostnummer, Required: true}, form.String("123 45"), "123 45", "required,len=6"},
		{form.Field{Type: form.TypeInteger, Min: "0", Max: "1000"}, form.Int(42), int64(42), "gte=0,lte=1000"},
		{form.Field{Type: form.TypeInteger, Min: "1900", Max: "2100"}, form.Int(1990), int64(1990), "gte=1900,lte=2100"},
		{form.Field{Type: form.TypeDecimal, Min: "0", Max: "100000"}, mustDecimal("1234.5"), 1234.5, "gte=0,lte=100000"},
		{form.Field{Type: form.TypeDate, Min: "2000-01-01", Max: "2100-01-01"}, form.String("2026-12-01"), "2026-12-01", "datetime=2006-01-02"},
		{form.Field{Type: form.TypeChoice, Required: true, Options: o}, form.String("b"), "b", "required,oneof=a b c"},
		{form.Field{Type: form.TypeChoice, Options: o}, form.String("c"), "c", "oneof=a b c"},
		{form.Field{Type: form.TypeMultiChoice, Options: o}, form.List("a", "c"), []string{"a", "c"}, "max=3,dive,oneof=a b c"},
		{form.Field{Type: form.TypeBoolean, Required: true}, form.Bool(true), true, "required"},
		{form.Field{Type: form.TypeText, Rules: "alphanum"}, form.String("ABC123"), "ABC123", "alphanum"},
		{form.Field{Type: form.TypeText, MaxLength: 50}, form.String("Kommunen"), "Kommunen", "max=50"},
		{form.Field{Type: form.TypeEmail}, form.String("kontakt@kommun.se"), "kontakt@kommun.se", "email"},
		{form.Field{Type: form.TypeText, MinLength: 2, MaxLength: 20}, form.String("Svar"), "Svar", "min=2,max=20"},
	}
	f := &form.Form{ID: "bench", Version: 1, Title: form.T("Bench", "Bench"), Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "s", Title: form.T("Steg", "Step")}}}
	values := form.Values{}
	var raws []any
	var tags []string
	for i, s := range specs {
		s.field.ID = fmt.Sprintf("f%02d", i)
		s.field.Label = form.T("Fält", "Field")
		f.Steps[0].Fields = append(f.Steps[0].Fields, s.field)
		values[s.field.ID] = s.value
		raws = append(raws, s.raw)
		tags = append(tags, s.tag)
	}
	return f, values, raws, tags
}

func mustDecimal(s string) form.Value {
	v, err := form.Decimal(s)
	if err != nil {
		panic(err)
	}
	return v
}

// BenchmarkValidateStep validates a 20-field step of mixed types; the
// baseline runs validator/v10's Var on the same 20 raw values with the
// closest built-in tags, in the same run.
func BenchmarkValidateStep(b *testing.B) {
	f, values, raws, tags := benchStep()
	ctx := context.Background()
	if err := f.ValidateStep(ctx, "s", values); err != nil {
		b.Fatal(err)
	}
	b.Run("etjanst", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := f.ValidateStep(ctx, "s", values); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-validator-Var", func(b *testing.B) {
		v := validator.New()
		for i := range raws {
			if err := v.Var(raws[i], tags[i]); err != nil {
				b.Fatalf("baseline %d: %v", i, err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			for i := range raws {
				if err := v.Var(raws[i], tags[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// largestExample returns the largest example form definition.
func largestExample(b *testing.B) []byte {
	paths, _ := filepath.Glob("../examples/forms/*.json")
	var best []byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err == nil && len(data) > len(best) {
			best = data
		}
	}
	if best == nil {
		b.Skip("no example forms in ../examples/forms")
	}
	return best
}

func BenchmarkParseLargestExample(b *testing.B) {
	data := largestExample(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLintLargestExample(b *testing.B) {
	f, err := form.Parse(largestExample(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if p := f.Lint(); len(p) > 0 {
			b.Fatal(p)
		}
	}
}

func BenchmarkCanonicalEncoding(b *testing.B) {
	_, values, _, _ := benchStep()
	b.ReportAllocs()
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		buf = values.AppendCanonical(buf[:0])
	}
	_ = slices.Clone(buf)
}

// benchValuesDoc is a canonical values document of testForm of about 4 KB:
// a long Swedish text with newlines, a few numbers, a multichoice list, a
// file reference and a group of 5 items.
func benchValuesDoc() []byte {
	story := strings.Repeat("Jag har svårt att gå längre sträckor på grund av min höftledsartros. "+
		"Med rollator klarar jag ungefär 200 meter, sedan måste jag vila.\nBussen till vårdcentralen går för sällan. ", 17)
	amount, _ := form.Decimal("1234,5")
	kids := make([]form.Values, 5)
	for i := range kids {
		kids[i] = form.Values{"kidName": form.String(fmt.Sprintf("Åsa Öberg %d", i)), "kidAge": form.Int(int64(3 + i)),
			"school": form.String("Ängsskolan i Västerås")}
	}
	v := form.Values{
		"name": form.String("Örjan Ängström"), "pnr": form.String("191212121212"), "email": form.String("orjan@example.se"),
		"phone": form.String("070-123 45 67"), "zip": form.String("123 45"), "role": form.String("passenger"),
		"distance": form.Int(150), "amount": amount, "from": form.Date(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)),
		"aids": form.List("wheelchair", "crutches"), "story": form.String(story), "consent": form.Bool(true), "kids": form.Group(kids...),
		"certificate": form.Files(form.FileRef{ID: "a1", Name: "läkarintyg.pdf", ContentType: "application/pdf", Size: 81234,
			SHA256: strings.Repeat("ab", 32)}),
	}
	doc, _ := v.MarshalJSON()
	return doc
}

// BenchmarkDecodeJSON decodes a 4 KB values document; the baseline is the
// encoding/json implementation DecodeJSON had before its own parser
// (form.DecodeJSONStd, from an internal test file), in the same run. The
// baseline reports the speed-up: its time over DecodeJSON's.
func BenchmarkDecodeJSON(b *testing.B) {
	f := testForm()
	doc := benchValuesDoc()
	got, err := form.DecodeJSON(f, doc)
	require.NoError(b, err)
	want, err := form.DecodeJSONStd(f, doc)
	require.NoError(b, err)
	require.True(b, got.Equal(want))
	var nsPerOp float64
	b.Run("etjanst", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := form.DecodeJSON(f, doc); err != nil {
				b.Fatal(err)
			}
		}
		nsPerOp = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("baseline-encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := form.DecodeJSONStd(f, doc); err != nil {
				b.Fatal(err)
			}
		}
		if nsPerOp > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/nsPerOp, "speedup")
		}
	})
}

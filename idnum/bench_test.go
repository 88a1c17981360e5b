package idnum_test

import (
	"testing"

	"github.com/etjanst/etjanst/idnum"
)

func BenchmarkParsePersonnummer(b *testing.B) {
	opts := at(dataNow)
	for _, bb := range []struct{ name, in string }{
		{"12digits", "191212121212"},
		{"10hyphen", "121212-1212"},
		{"10plus", "121212+1212"},
		{"samordningsnummer", "701063-2391"},
		{"invalid", "19121212-1213"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = idnum.ParsePersonnummer(bb.in, opts)
			}
		})
	}
}

func BenchmarkParseOrganisationsnummer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = idnum.ParseOrganisationsnummer("556016-0680")
	}
}

func BenchmarkPersonnummerShort(b *testing.B) {
	p, err := idnum.ParsePersonnummer("191212121212", at(dataNow))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Short(dataNow)
	}
}

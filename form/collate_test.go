package form_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

func TestCompareSwedish(t *testing.T) {
	// Each list is in Swedish alphabetical order.
	tests := []struct {
		name string
		want []string
	}{
		{"å ä ö after z", []string{"Ansökan", "Zon", "Åtgärd", "Ändring", "Öppen förskola"}},
		{"case does not matter", []string{"apa", "Bygglov", "bygglov x", "Cykel"}},
		{"equal but for case: by bytes", []string{"Bygglov", "bygglov"}},
		{"accents with their base letter", []string{"Ecklesiastik", "Edvin", "Émile", "Erik"}},
		{"ü as y, æ as ä, ø as ö", []string{"Ülle", "Yngve", "Yxa", "Ärla", "Ævar", "Örn", "Östen", "Øystein"}},
		{"spaces, then digits (one by one), then letters", []string{"Bo 10", "Bo 2", "Bo a", "Boa", "Bob"}},
		{"prefix first", []string{"Bygg", "Bygglov"}},
		{"empty first", []string{"", " ", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, a := range tt.want {
				for j, b := range tt.want {
					got := form.CompareSwedish(a, b)
					want := 0
					switch {
					case i < j:
						want = -1
					case i > j:
						want = 1
					}
					require.Equal(t, want, got, "CompareSwedish(%q, %q)", a, b)
				}
			}
			shuffled := slices.Clone(tt.want)
			slices.Reverse(shuffled)
			slices.SortFunc(shuffled, form.CompareSwedish)
			require.Equal(t, tt.want, shuffled)
		})
	}
}

func TestCatalogueSwedishOrder(t *testing.T) {
	r := form.NewRegistry(nil)
	for i, title := range []string{"Öppen förskola", "Ändring av bygglov", "Åtgärdsföreläggande", "Ansökan om bidrag", "Zonplan"} {
		f := testForm()
		f.ID, f.Title = string(rune('a'+i)), form.T(title, title)
		require.NoError(t, r.Register(f))
	}
	var got []string
	for _, f := range r.Catalogue("") {
		got = append(got, f.Title.SV)
	}
	require.Equal(t, []string{"Ansökan om bidrag", "Zonplan", "Åtgärdsföreläggande", "Ändring av bygglov", "Öppen förskola"}, got)
}

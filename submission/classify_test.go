package submission_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/submission"
)

func TestFindPersonnummer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Sökande 19121212-1212 har ansökt", []string{"19121212-1212"}},
		{"kort form 121212-1212.", []string{"121212-1212"}},
		{"utan bindestreck 191212121212", []string{"191212121212"}},
		{"samordningsnummer 197010632391", []string{"197010632391"}},
		{"hundraåring 121212+1212", []string{"121212+1212"}},
		{"två: 19121212-1212 och 195001182046", []string{"19121212-1212", "195001182046"}},
		// False positives that must not be flagged.
		{"fel kontrollsiffra 19121212-1213", nil},
		{"fakturanummer 1234567890", nil},
		{"ordernummer 2026112512345678", nil},
		{"datum 2026-11-25 och 20261125", nil},
		{"postnummer 123 45, telefon 08-123 456 78", nil},
		{"omöjligt datum 19121312-1212", nil},
		{"bankgiro 5050-1055", nil},
		{"inuti längre tal 919121212121299", nil},
		{"följt av ett ord: pnr 19121212-1212 2st barn", []string{"19121212-1212"}},
		{"tankstreck 19121212–1212 och hårt mellanslag 19121212\u00a01212", []string{"19121212–1212", "19121212\u00a01212"}},
		{"med mellanslag 19121212 1212", []string{"19121212 1212"}},
		{"ihop med bokstäver AB19121212-1212 och 19121212-1212XY", nil},
		{"med bindestreck i längre nummer 2026-19121212-1212", nil},
		{"inom parentes (19121212-1212), sist.19121212-1212", []string{"19121212-1212", "19121212-1212"}},
		// Other dashes and spaces, as word processors and phones write them.
		{"bindestreck U+2010 19121212\u20101212 och U+2012 19121212\u20121212", []string{"19121212\u20101212", "19121212\u20121212"}},
		{"luft runt strecket 19121212 - 1212 och 121212 – 1212", []string{"19121212 - 1212", "121212 – 1212"}},
		{"tankstreck med luft 19121212 \u2014 1212, siffermellanslag 19121212\u20071212", []string{"19121212 \u2014 1212", "19121212\u20071212"}},
		{"hundraåring med luft 121212 + 1212", []string{"121212 + 1212"}},
		{"helbredd １９１２１２１２－１２１２ och arabiska ١٩١٢١٢١٢١٢١٢", []string{"１９１２１２１２－１２１２", "١٩١٢١٢١٢١٢١٢"}},
		{"helbredd fel kontrollsiffra １９１２１２１２－１２１３", nil},
		{"fel kontrollsiffra med luft 19121212 - 1213, datum 2026 - 11 - 25", nil},
		// The date written in groups.
		{"grupperat datum 1912 12 12-1212 och 1912-12-12-1212", []string{"1912 12 12-1212", "1912-12-12-1212"}},
		{"kort grupperat 12 12 12-1212, hundraåring 12 12 12+1212", []string{"12 12 12-1212", "12 12 12+1212"}},
		{"grupperat fel kontrollsiffra 1912 12 12-1213", nil},
		{"datum och klockslag 1912 12 12 1212, blandat 1912-12 12-1212", nil},
		{"grupperat inuti längre nummer 1912 12 12-1212-99", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, submission.FindPersonnummer(tc.text))
		})
	}
}

func TestFindEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"skriv till anna.svensson@kommun.se tack", []string{"anna.svensson@kommun.se"}},
		{"a+b@sub.example.org, c@d.io", []string{"a+b@sub.example.org", "c@d.io"}},
		{"inte en adress: @kommun, anna@, anna@kommun", nil},
		{"åäö i namnet: örjan.åberg@kommun.se.", []string{"örjan.åberg@kommun.se"}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, submission.FindEmail(tc.text), tc.text)
	}
}

func TestFindPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"ring 070-123 45 67", []string{"070-123 45 67"}},
		{"mobil 0701234567", []string{"0701234567"}},
		{"växel 08-123 456 78", []string{"08-123 456 78"}},
		{"utland +46 70 123 45 67 eller 0046701234567", []string{"+46 70 123 45 67", "0046701234567"}},
		// Not phone numbers.
		{"fakturanummer 0123456789", nil},
		{"kundnummer 1234567890", nil},
		{"belopp 1 250 kr", nil},
		{"datum 2026-11-25", nil},
		{"personnummer 19121212-1212", nil},
		{"ihop med text tel0701234567", nil},
		{"följt av ett ord: tel 070-123 45 67 2ggr", []string{"070-123 45 67"}},
		{"+46-8-123 456 78", []string{"+46-8-123 456 78"}},
		{"luft runt strecket 070 - 123 45 67", []string{"070 - 123 45 67"}},
		{"helbredd ０７０１２３４５６７", []string{"０７０１２３４５６７"}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, submission.FindPhone(tc.text), tc.text)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"19121212-1212", "ring +46 70 123 45 67", "a@b.se", "2026-11-25 070-123 45 67 121212+1212", "AB12 0046701234567",
		"１９１２１２１２－１２１２ ٠٧٠١٢٣٤٥٦٧ \xff１", "1912 12 12-1212 12-12-12+1212"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, found := range [][]string{submission.FindPersonnummer(text), submission.FindEmail(text), submission.FindPhone(text)} {
			for _, s := range found {
				if !strings.Contains(text, s) {
					t.Fatalf("%q is not in the text", s)
				}
			}
		}
	})
}

package idnum_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/etjanst/etjanst/idnum"
)

// digitRun finds inputs that cannot be a substring of a constant error
// message (none has four digits in a row): for those, an error string that
// contains the input would mean the input leaked into it.
var digitRun = regexp.MustCompile(`[0-9]{4}`)

func checkErr(t *testing.T, in string, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "idnum: ") {
		t.Fatalf("error without package prefix: %v", err)
	}
	if s := strings.TrimSpace(in); digitRun.MatchString(s) && strings.Contains(err.Error(), s) {
		t.Fatalf("error contains the input: %v", err)
	}
}

// seedMeta adds the inputs of the personnummer/meta lists to f's corpus.
func seedMeta(f *testing.F) {
	var cases []metaCase
	for _, name := range []string{"personnummer/list.json", "personnummer/interim.json"} {
		readJSON(f, name, &cases)
		for _, c := range cases {
			for _, in := range c.inputs() {
				f.Add(in)
			}
		}
	}
	var orgs []orgCase
	readJSON(f, "organisationsnummer/list.json", &orgs)
	for _, c := range orgs {
		f.Add(c.Input)
		f.Add(c.LongFormat)
	}
}

func FuzzParsePersonnummer(f *testing.F) {
	seedMeta(f)
	for _, s := range []string{
		"191212121212", "19121212+1212", "121212-1212", "121212+1212", " 1212121212 ",
		"191500722390", "193100602394", "193002902397", "000229+2399", "20000161T227",
		"20000101-t220", "201509160006", "240616+2392", "", "-", "+", "19121212--1212",
		"\xff\xfe121212-1212", "12121２-1212",
	} {
		f.Add(s)
	}
	strict := at(dataNow)
	lenient := atInterim(dataNow)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := idnum.ParsePersonnummer(in, strict)
		if err != nil {
			checkErr(t, in, err)
		} else if p.Kind() == idnum.KindInterim {
			t.Fatalf("interim accepted without AllowInterim")
		}
		p, err = idnum.ParsePersonnummer(in, lenient)
		if err != nil {
			checkErr(t, in, err)
			if !p.IsZero() {
				t.Fatalf("non-zero value with error")
			}
			return
		}
		s := p.String()
		if len(s) != 12 || p.IsZero() || p.Kind() == idnum.KindUnknown {
			t.Fatalf("bad normal form %q", s)
		}
		if !strings.HasPrefix(p.Format(), s[:8]+"-") || !strings.HasPrefix(p.Masked(), s[:8]) {
			t.Fatalf("inconsistent formats")
		}
		forms := []string{s, p.Format()}
		if p.Age(dataNow) < 200 {
			forms = append(forms, p.Short(dataNow))
		}
		for _, form := range forms {
			q, err := idnum.ParsePersonnummer(form, lenient)
			if err != nil {
				t.Fatalf("output form does not parse: %v", err)
			}
			if q != p {
				t.Fatalf("round trip changed the value")
			}
		}
		var q idnum.Personnummer
		text, _ := p.MarshalText()
		if err := q.UnmarshalText(text); err != nil || q != p {
			t.Fatalf("text round trip: %v", err)
		}
		_ = p.BirthDate()
		_ = p.HasFullBirthDate()
		_ = p.IsFemale()
		_ = p.LogValue()
	})
}

func FuzzParseOrganisationsnummer(f *testing.F) {
	seedMeta(f)
	for _, s := range []string{
		"5560160680", "556016-0680", "165560160680", "16556016-0680", "802005-1952", "412000-0148",
		"012000-0146", "551301-0008", "1212121212", "19121212-1212", "161212121212", "", "16",
	} {
		f.Add(s)
	}
	opts := at(dataNow)
	f.Fuzz(func(t *testing.T, in string) {
		o, err := idnum.ParseOrganisationsnummer(in)
		if err != nil {
			checkErr(t, in, err)
			if !o.IsZero() {
				t.Fatalf("non-zero value with error")
			}
		} else {
			s := o.String()
			if len(s) != 10 || !idnum.Luhn(s) || s[2] < '2' || o.Group() == idnum.GroupUnknown {
				t.Fatalf("bad normal form %q", s)
			}
			for _, form := range []string{s, o.Format(), "16" + s, "16" + o.Format()} {
				q, err := idnum.ParseOrganisationsnummer(form)
				if err != nil || q != o {
					t.Fatalf("round trip: %v", err)
				}
			}
		}

		b, err := idnum.ParseBusinessID(in, opts)
		if err != nil {
			checkErr(t, in, err)
			return
		}
		if b.IsZero() || len(b.VATNumber()) != 14 {
			t.Fatalf("bad business ID")
		}
		q, err := idnum.ParseBusinessID(b.String(), opts)
		if err != nil || q != b {
			t.Fatalf("business ID round trip: %v", err)
		}
		if b.IsSoleTrader() != o.IsZero() {
			t.Fatalf("sole trader although an organisationsnummer parsed")
		}
	})
}

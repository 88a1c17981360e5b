package idnum_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/idnum"
)

// The fixtures live in the project-level testdata folder; see the SOURCE.md
// next to each file for origin, licence and format.
const testdataDir = "../testdata"

// dataNow is the fixed clock for the personnummer/meta lists, which were
// generated in November 2023 (their "+" separators are relative to then).
var dataNow = date(2024, 6, 1)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func at(now time.Time) *idnum.Options { return &idnum.Options{Now: func() time.Time { return now }} }

func atInterim(now time.Time) *idnum.Options {
	return &idnum.Options{Now: func() time.Time { return now }, AllowInterim: true}
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	f, err := os.Open(filepath.Join(testdataDir, name))
	require.NoError(t, err)
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber() // integers like 190905271474 must not go through float64
	require.NoError(t, dec.Decode(v))
}

// readCSV returns the 12-digit rows of a Skatteverket CSV file, skipping the
// header and blank lines.
func readCSV(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(testdataDir, name))
	require.NoError(t, err)
	defer f.Close()
	var rows []string
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if header {
			require.Equal(t, "Testpersonnummer", line)
			header = false
			continue
		}
		rows = append(rows, line)
	}
	require.NoError(t, sc.Err())
	return rows
}

// metaCase is one row of personnummer/list.json or interim.json.
type metaCase struct {
	Integer         json.Number `json:"integer"`
	LongFormat      string      `json:"long_format"`
	ShortFormat     string      `json:"short_format"`
	SeparatedFormat string      `json:"separated_format"`
	SeparatedLong   string      `json:"separated_long"`
	Valid           bool        `json:"valid"`
	Type            string      `json:"type"`
	IsMale          bool        `json:"isMale"`
	IsFemale        bool        `json:"isFemale"`
}

// inputs returns every input form of the case, the integer only when it is
// representable (non-zero).
func (c metaCase) inputs() map[string]string {
	in := map[string]string{
		"long_format":      c.LongFormat,
		"short_format":     c.ShortFormat,
		"separated_format": c.SeparatedFormat,
		"separated_long":   c.SeparatedLong,
	}
	if c.Integer.String() != "0" {
		in["integer"] = c.Integer.String()
	}
	return in
}

var metaKinds = map[string]idnum.Kind{
	"ssn":     idnum.KindPersonnummer,
	"con":     idnum.KindSamordningsnummer,
	"interim": idnum.KindInterim,
}

// requireSentinel checks that err matches at least one sentinel and that its
// string does not contain the input.
func requireSentinel(t *testing.T, err error, input string) {
	t.Helper()
	require.Error(t, err)
	require.True(t, errors.Is(err, idnum.ErrSyntax) || errors.Is(err, idnum.ErrChecksum) ||
		errors.Is(err, idnum.ErrDate) || errors.Is(err, idnum.ErrInterim), "unexpected error %v", err)
	require.True(t, strings.HasPrefix(err.Error(), "idnum: "), err.Error())
	if trimmed := strings.TrimSpace(input); len(trimmed) >= 4 {
		require.NotContains(t, err.Error(), trimmed)
	}
}

// requireMetaValid asserts every documented expectation of a valid case.
func requireMetaValid(t *testing.T, c metaCase, p idnum.Personnummer, form string) {
	t.Helper()
	require.Equal(t, c.IsFemale, p.IsFemale())
	require.Equal(t, c.IsMale, !p.IsFemale())
	require.Equal(t, metaKinds[c.Type], p.Kind())
	require.Equal(t, c.Type == "con", p.IsCoordination())
	if form == "short_format" && strings.Contains(c.SeparatedFormat, "+") {
		// Without a separator the 10-digit form means "younger than 100":
		// the century rule places it a century later.
		require.Equal(t, "20"+c.ShortFormat, p.String())
		return
	}
	require.Equal(t, c.LongFormat, p.String())
	// Format always writes "-": the 12-digit form has an explicit century.
	require.Equal(t, strings.Replace(c.SeparatedLong, "+", "-", 1), p.Format())
	require.Equal(t, c.SeparatedFormat, p.Short(dataNow))
	require.Equal(t, c.LongFormat[:8]+"-****", p.Masked())
}

func TestMetaList(t *testing.T) {
	t.Parallel()
	var cases []metaCase
	readJSON(t, "personnummer/list.json", &cases)
	require.Len(t, cases, 14)
	for _, c := range cases {
		for form, in := range c.inputs() {
			t.Run(c.LongFormat+"/"+form, func(t *testing.T) {
				t.Parallel()
				p, err := idnum.ParsePersonnummer(in, at(dataNow))
				if !c.Valid {
					requireSentinel(t, err, in)
					require.True(t, p.IsZero())
					return
				}
				require.NoError(t, err)
				requireMetaValid(t, c, p, form)
			})
		}
	}
}

func TestMetaInterim(t *testing.T) {
	t.Parallel()
	var cases []metaCase
	readJSON(t, "personnummer/interim.json", &cases)
	require.Len(t, cases, 12)
	for _, c := range cases {
		for form, in := range c.inputs() {
			t.Run(c.LongFormat+"/"+form, func(t *testing.T) {
				t.Parallel()
				require.Equal(t, "interim", c.Type)
				p, err := idnum.ParsePersonnummer(in, atInterim(dataNow))
				if !c.Valid {
					require.ErrorIs(t, err, idnum.ErrSyntax)
					requireSentinel(t, err, in)
					_, err = idnum.ParsePersonnummer(in, at(dataNow))
					require.ErrorIs(t, err, idnum.ErrSyntax)
					return
				}
				require.NoError(t, err)
				requireMetaValid(t, c, p, form)

				// Lower-case letters are normalised.
				p2, err := idnum.ParsePersonnummer(strings.ToLower(in), atInterim(dataNow))
				require.NoError(t, err)
				require.Equal(t, p, p2)

				// Off by default.
				_, err = idnum.ParsePersonnummer(in, at(dataNow))
				require.ErrorIs(t, err, idnum.ErrInterim)
				requireSentinel(t, err, in)
				_, err = idnum.ParsePersonnummer(in, nil)
				require.ErrorIs(t, err, idnum.ErrInterim)
			})
		}
	}
}

func TestMetaStructured(t *testing.T) {
	t.Parallel()
	type lists struct {
		Valid   []json.Number `json:"valid"`
		Invalid []json.Number `json:"invalid"`
	}
	type strLists struct {
		Valid   []string `json:"valid"`
		Invalid []string `json:"invalid"`
	}
	type group struct {
		Integer lists    `json:"integer"`
		String  strLists `json:"string"`
	}
	var data map[string]group
	readJSON(t, "personnummer/structured.json", &data)
	require.Len(t, data, 2)

	counts := map[string][4]int{ // valid ints, invalid ints, valid strings, invalid strings
		"ssn": {6, 4, 24, 16},
		"con": {2, 2, 8, 8},
	}
	for typ, g := range data {
		want, ok := counts[typ]
		require.True(t, ok, typ)
		require.Equal(t, want, [4]int{len(g.Integer.Valid), len(g.Integer.Invalid), len(g.String.Valid), len(g.String.Invalid)})

		var valid, invalid []string
		for _, n := range g.Integer.Valid {
			valid = append(valid, n.String())
		}
		for _, n := range g.Integer.Invalid {
			invalid = append(invalid, n.String())
		}
		valid = append(valid, g.String.Valid...)
		invalid = append(invalid, g.String.Invalid...)

		for _, in := range valid {
			t.Run(typ+"/valid/"+in, func(t *testing.T) {
				t.Parallel()
				p, err := idnum.ParsePersonnummer(in, at(dataNow))
				require.NoError(t, err)
				require.Equal(t, metaKinds[typ], p.Kind())
				require.Equal(t, typ == "con", p.IsCoordination())
			})
		}
		for _, in := range invalid {
			t.Run(typ+"/invalid/"+in, func(t *testing.T) {
				t.Parallel()
				_, err := idnum.ParsePersonnummer(in, atInterim(dataNow))
				requireSentinel(t, err, in)
			})
		}
	}
}

// TestMetaOrgNumbers: valid organisationsnummer (AP-fonder) are not
// personnummer.
func TestMetaOrgNumbers(t *testing.T) {
	t.Parallel()
	var cases []struct {
		Integer         json.Number `json:"integer"`
		ShortFormat     string      `json:"short_format"`
		SeparatedFormat string      `json:"separated_format"`
		Valid           bool        `json:"valid"`
		Type            string      `json:"type"`
	}
	readJSON(t, "personnummer/orgnumber.json", &cases)
	require.Len(t, cases, 6)
	for _, c := range cases {
		t.Run(c.SeparatedFormat, func(t *testing.T) {
			t.Parallel()
			require.False(t, c.Valid)
			require.Equal(t, "org", c.Type)
			for _, in := range []string{c.Integer.String(), c.ShortFormat, c.SeparatedFormat} {
				_, err := idnum.ParsePersonnummer(in, atInterim(dataNow))
				requireSentinel(t, err, in)

				o, err := idnum.ParseOrganisationsnummer(in)
				require.NoError(t, err)
				require.Equal(t, c.ShortFormat, o.String())
				require.Equal(t, c.SeparatedFormat, o.Format())
			}
		})
	}
}

// TestSkatteverketAllPins runs every one of Skatteverket's 41,129 test
// personnummer (1890 to 2023) through every form.
func TestSkatteverketAllPins(t *testing.T) {
	t.Parallel()
	var pins []string
	readJSON(t, "personnummer/allPins.json", &pins)
	require.Len(t, pins, 41129)
	opts := at(dataNow)
	hundred := 0
	for _, s := range pins {
		p, err := idnum.ParsePersonnummer(s, opts)
		require.NoError(t, err, s)
		require.Equal(t, s, p.String())
		require.Equal(t, idnum.KindPersonnummer, p.Kind())
		require.False(t, p.IsCoordination())
		require.True(t, p.HasFullBirthDate())
		require.Equal(t, (s[10]-'0')%2 == 0, p.IsFemale())
		require.Equal(t, s[:4]+"-"+s[4:6]+"-"+s[6:8], p.BirthDate().Format(time.DateOnly))
		require.Equal(t, s[:8]+"-"+s[8:], p.Format())

		short := p.Short(dataNow)
		if p.Age(dataNow) >= 100 {
			hundred++
			require.Equal(t, s[2:8]+"+"+s[8:], short)
		} else {
			require.Equal(t, s[2:8]+"-"+s[8:], short)
			// Without a separator means younger than 100.
			q, err := idnum.ParsePersonnummer(s[2:], opts)
			require.NoError(t, err)
			require.Equal(t, p, q)
		}
		for _, in := range []string{short, p.Format(), " " + s + " "} {
			q, err := idnum.ParsePersonnummer(in, opts)
			require.NoError(t, err, in)
			require.Equal(t, p, q)
		}
	}
	// 1890 to mid-1924 are 100 or older in June 2024.
	require.Greater(t, hundred, 1000)
}

// TestSkatteverketAllCoords runs every one of Skatteverket's 2,264 test
// samordningsnummer, including those with unknown month (00) or day (60).
func TestSkatteverketAllCoords(t *testing.T) {
	t.Parallel()
	var coords []string
	readJSON(t, "personnummer/allCoords.json", &coords)
	require.Len(t, coords, 2264)
	opts := at(dataNow)
	month00, day60, beyond := 0, 0, 0
	for _, s := range coords {
		p, err := idnum.ParsePersonnummer(s, opts)
		require.NoError(t, err, s)
		require.Equal(t, s, p.String())
		require.Equal(t, idnum.KindSamordningsnummer, p.Kind())
		require.True(t, p.IsCoordination())

		m, d := s[4:6], s[6:8]
		if m == "00" {
			month00++
		}
		if d == "60" {
			day60++
		}
		// Best effort: month 00 is January, day 60 the 1st, and a day the
		// month lacks (Skatteverket issues e.g. 30 February) the last day.
		year, _ := strconv.Atoi(s[:4])
		month, _ := strconv.Atoi(m)
		day, _ := strconv.Atoi(d)
		day -= 60
		lastDay := time.Date(year, time.Month(max(month, 1))+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if day > lastDay {
			beyond++
		}
		require.Equal(t, month != 0 && day != 0 && day <= lastDay, p.HasFullBirthDate())
		want := time.Date(year, time.Month(max(month, 1)), min(max(day, 1), lastDay), 0, 0, 0, 0, time.UTC)
		require.Equal(t, want, p.BirthDate(), s)

		for _, in := range []string{p.Short(dataNow), p.Format(), s[:8] + "+" + s[8:]} {
			if in[8] == '+' && p.Age(dataNow) < 100 {
				_, err := idnum.ParsePersonnummer(in, opts)
				require.ErrorIs(t, err, idnum.ErrDate)
				continue
			}
			q, err := idnum.ParsePersonnummer(in, opts)
			require.NoError(t, err, in)
			require.Equal(t, p, q)
		}
	}
	require.Equal(t, 132, month00)
	require.Equal(t, 41, day60)
	require.Equal(t, 24, beyond)
}

func TestSkatteverketCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		rows    int
		now     time.Time
		wantSep string // separator of Short at now
		minAge  int
		maxAge  int
	}{
		{"skatteverket/Testpersonnummer 2023 v2.csv", 364, date(2024, 1, 1), "-", 0, 1},
		{"skatteverket/Testpersonnummer 2023 v2.csv", 364, date(2041, 12, 31), "-", 17, 18},
		{"skatteverket/Testpersonnummer 1950-1979.csv", 3720, date(2024, 6, 1), "-", 44, 74},
		// In 2080 everyone born 1950-1979 is 100 or older: "+" in the short form.
		{"skatteverket/Testpersonnummer 1950-1979.csv", 3720, date(2080, 1, 1), "+", 100, 130},
	}
	for _, tt := range tests {
		t.Run(tt.file+"@"+tt.now.Format(time.DateOnly), func(t *testing.T) {
			t.Parallel()
			rows := readCSV(t, tt.file)
			require.Len(t, rows, tt.rows)
			opts := at(tt.now)
			for _, s := range rows {
				p, err := idnum.ParsePersonnummer(s, opts)
				require.NoError(t, err, s)
				require.Equal(t, s, p.String())
				age := p.Age(tt.now)
				require.GreaterOrEqual(t, age, tt.minAge)
				require.LessOrEqual(t, age, tt.maxAge)
				short := p.Short(tt.now)
				require.Equal(t, s[2:8]+tt.wantSep+s[8:], short)
				q, err := idnum.ParsePersonnummer(short, opts)
				require.NoError(t, err)
				require.Equal(t, p, q)
			}
		})
	}
}

// TestSkatteverketCSVClock: the 2023 numbers are in the future for a clock
// at the start of 2023, except those born on 1 January.
func TestSkatteverketCSVClock(t *testing.T) {
	t.Parallel()
	rows := readCSV(t, "skatteverket/Testpersonnummer 2023 v2.csv")
	require.Len(t, rows, 364)
	now := date(2023, 1, 1)
	accepted := 0
	for _, s := range rows {
		p, err := idnum.ParsePersonnummer(s, at(now))
		if strings.HasPrefix(s, "20230101") {
			require.NoError(t, err)
			require.Equal(t, 0, p.Age(now))
			accepted++
			continue
		}
		require.ErrorIs(t, err, idnum.ErrDate, s)
		// In the 10-digit form the century rule moves them back to 1923.
		q, err := idnum.ParsePersonnummer(s[2:8]+"-"+s[8:], at(now))
		require.NoError(t, err)
		require.Equal(t, "19"+s[2:], q.String())
	}
	require.Positive(t, accepted)
}

// orgCase is one row of organisationsnummer/list.json. Its naming is the
// reverse of the personnummer lists: long_format has the hyphen.
type orgCase struct {
	Input       string `json:"input"`
	LongFormat  string `json:"long_format"`
	ShortFormat string `json:"short_format"`
	Valid       bool   `json:"valid"`
	Type        string `json:"type"`
	VATNumber   string `json:"vat_number"`
}

func TestMetaOrganisationsnummer(t *testing.T) {
	t.Parallel()
	var cases []orgCase
	readJSON(t, "organisationsnummer/list.json", &cases)
	require.Len(t, cases, 24)
	for i, c := range cases {
		t.Run(c.Input, func(t *testing.T) {
			t.Parallel()
			inputs := []string{c.Input, c.LongFormat, c.ShortFormat}
			if c.Type == "Enskild firma" {
				// A sole trader's personnummer is not an organisationsnummer...
				require.True(t, c.Valid, "row %d", i)
				for _, in := range inputs {
					_, err := idnum.ParseOrganisationsnummer(in)
					require.ErrorIs(t, err, idnum.ErrSyntax, in)
					require.ErrorIs(t, err, idnum.ErrSoleTrader, in)
					require.NotContains(t, err.Error(), c.ShortFormat)
				}
				// ...but it is a business ID.
				for _, in := range inputs {
					b, err := idnum.ParseBusinessID(in, at(dataNow))
					require.NoError(t, err, in)
					require.True(t, b.IsSoleTrader())
					require.Equal(t, idnum.GroupSoleTrader, b.Group())
					require.Equal(t, c.Type, b.Group().Name().SV)
					require.Equal(t, c.VATNumber, b.VATNumber())
					p, ok := b.Personnummer()
					require.True(t, ok)
					require.Equal(t, c.ShortFormat, p.String()[2:])
					_, ok = b.Organisationsnummer()
					require.False(t, ok)
					if in == c.Input { // the 12-digit input fixes the century
						require.Equal(t, c.Input, p.String())
						require.Equal(t, c.Input, b.String())
						require.Equal(t, c.LongFormat, p.Short(dataNow))
					}
				}
				return
			}
			for _, in := range inputs {
				o, err := idnum.ParseOrganisationsnummer(in)
				b, berr := idnum.ParseBusinessID(in, at(dataNow))
				if !c.Valid {
					require.ErrorIs(t, err, idnum.ErrChecksum, in)
					require.ErrorIs(t, berr, idnum.ErrChecksum, in)
					require.NotContains(t, err.Error(), c.ShortFormat)
					continue
				}
				require.NoError(t, err, in)
				require.Equal(t, c.ShortFormat, o.String())
				require.Equal(t, c.LongFormat, o.Format())
				require.Equal(t, c.VATNumber, o.VATNumber())
				require.Equal(t, c.Type, o.Group().Name().SV)

				require.NoError(t, berr)
				require.False(t, b.IsSoleTrader())
				require.Equal(t, o.Group(), b.Group())
				require.Equal(t, c.VATNumber, b.VATNumber())
				bo, ok := b.Organisationsnummer()
				require.True(t, ok)
				require.Equal(t, o, bo)
			}
		})
	}
}

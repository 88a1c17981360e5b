package idnum_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/idnum"
)

func TestParsePersonnummer(t *testing.T) {
	t.Parallel()
	now := date(2024, 6, 15)
	tests := []struct {
		name    string
		in      string
		now     time.Time // zero means now above
		interim bool
		want    string // normal form when no error is expected
		wantErr error
	}{
		// Forms.
		{name: "12 digits", in: "191212121212", want: "191212121212"},
		{name: "12 with hyphen", in: "19121212-1212", want: "191212121212"},
		{name: "12 with plus when 100+", in: "19121212+1212", want: "191212121212"},
		{name: "10 with plus", in: "121212+1212", want: "191212121212"},
		{name: "10 with hyphen picks 2012", in: "121212-1212", want: "201212121212"},
		{name: "10 digits picks 2012", in: "1212121212", want: "201212121212"},
		{name: "surrounding spaces", in: "  19121212-1212\t\n", want: "191212121212"},
		{name: "samordningsnummer", in: "701063-2391", want: "197010632391"},

		// Century rule at the boundary; now is 15 June 2024.
		{name: "born today", in: "240615-2393", want: "202406152393"},
		{name: "date tomorrow goes back a century", in: "240616-2392", want: "192406162392"},
		{name: "no separator like hyphen", in: "2406162392", want: "192406162392"},
		{name: "turns 100 today", in: "240615+2393", want: "192406152393"},
		{name: "plus with date tomorrow", in: "240616+2392", want: "182406162392"},
		{name: "12 digits tomorrow is future", in: "202406162392", wantErr: idnum.ErrDate},
		{name: "12 digits today", in: "202406152393", want: "202406152393"},
		{name: "12 with plus but young", in: "20000229+2399", wantErr: idnum.ErrDate},
		{name: "12 with plus at 99", in: "19240616+2392", wantErr: idnum.ErrDate},
		{name: "12 with plus at 100", in: "19240615+2393", want: "192406152393"},

		// Calendar.
		{name: "29 Feb in a leap year", in: "000229-2399", want: "200002292399"},
		{name: "29 Feb 1900 is not a date", in: "000229+2399", wantErr: idnum.ErrDate},
		{name: "29 Feb in a common year", in: "19230229-2392", wantErr: idnum.ErrDate},
		{name: "31 April", in: "19230431-2396", wantErr: idnum.ErrDate},
		{name: "month 13", in: "19231301-2391", wantErr: idnum.ErrDate},
		{name: "month 00 personnummer", in: "19230001-2396", wantErr: idnum.ErrDate},
		{name: "day 00 personnummer", in: "19230100-2396", wantErr: idnum.ErrDate},
		{name: "day 32", in: "19230132-2398", wantErr: idnum.ErrDate},
		{name: "day 59", in: "19230159-2396", wantErr: idnum.ErrDate},
		{name: "day 92", in: "19230192-2395", wantErr: idnum.ErrDate},
		{name: "year before 1800", in: "17991231-2395", wantErr: idnum.ErrDate},
		{name: "coordination 31 April", in: "19200491-2388", want: "192004912388"},
		{name: "coordination month 00", in: "19150072-2390", want: "191500722390"},
		{name: "coordination day 60", in: "19310060-2394", want: "193100602394"},
		{name: "coordination month 00 this year", in: "2400602393", want: "202400602393"},
		{name: "coordination next month", in: "2407612395", want: "192407612395"},

		// Syntax.
		{name: "empty", in: "", wantErr: idnum.ErrSyntax},
		{name: "spaces only", in: "   ", wantErr: idnum.ErrSyntax},
		{name: "9 digits", in: "121212121", wantErr: idnum.ErrSyntax},
		{name: "11 digits", in: "12121212121", wantErr: idnum.ErrSyntax},
		{name: "14 characters", in: "19121212--1212", wantErr: idnum.ErrSyntax},
		{name: "space separator", in: "19121212 1212", wantErr: idnum.ErrSyntax},
		{name: "slash separator", in: "121212/1212", wantErr: idnum.ErrSyntax},
		{name: "separator in the wrong place", in: "12121-21212", wantErr: idnum.ErrSyntax},
		{name: "letter in the date", in: "1912121a1212", wantErr: idnum.ErrSyntax},
		{name: "letter in the century", in: "a9121212-1212", wantErr: idnum.ErrSyntax},
		{name: "letter in the check digit", in: "121212-121x", wantErr: idnum.ErrSyntax},
		{name: "en dash", in: "121212–1212", wantErr: idnum.ErrSyntax},
		{name: "birth number 000", in: "121212-0008", wantErr: idnum.ErrSyntax},
		{name: "interim letter E", in: "20000101-E221", interim: true, wantErr: idnum.ErrSyntax},
		{name: "interim letter in the wrong place", in: "20000101-2T20", interim: true, wantErr: idnum.ErrSyntax},
		{name: "too long", in: strings.Repeat(" ", 100) + "191212121212", wantErr: idnum.ErrSyntax},

		// Check digit.
		{name: "wrong check digit", in: "19121212-1213", wantErr: idnum.ErrChecksum},
		{name: "checksum before date", in: "19231301-2399", wantErr: idnum.ErrChecksum},

		// Interim.
		{name: "interim off", in: "20000101-T220", wantErr: idnum.ErrInterim},
		{name: "interim on", in: "20000101-T220", interim: true, want: "20000101T220"},
		{name: "interim lower case", in: "000101-t220", interim: true, want: "20000101T220"},
		{name: "interim wrong check digit", in: "20000101-T221", interim: true, wantErr: idnum.ErrChecksum},
		{name: "interim bad date is a date error", in: "20001301-T226", wantErr: idnum.ErrDate},
		{name: "interim samordningsnummer", in: "20000161T227", interim: true, want: "20000161T227"},

		// The clock.
		{name: "year 1 clock: all in the future", in: "191212121212", now: time.Time{}.Add(time.Hour), wantErr: idnum.ErrDate},
		{name: "1930 clock puts 12 in 1912", in: "121212-1212", now: date(1930, 1, 1), want: "191212121212"},
		{name: "1930 clock puts 12+ in 1812", in: "121212+1212", now: date(1930, 1, 1), want: "181212121212"},
		{name: "1850 clock puts 12+ before 1800", in: "121212+1212", now: date(1850, 1, 1), wantErr: idnum.ErrDate},
		{name: "year 12000 clock", in: "121212-1212", now: date(12000, 1, 1), wantErr: idnum.ErrDate},
		{name: "negative year clock", in: "121212-1212", now: date(-5, 1, 1), wantErr: idnum.ErrDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := now
			if !tt.now.IsZero() {
				n = tt.now
			}
			opts := &idnum.Options{Now: func() time.Time { return n }, AllowInterim: tt.interim}
			p, err := idnum.ParsePersonnummer(tt.in, opts)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				requireSentinel(t, err, tt.in)
				require.True(t, p.IsZero())
				require.Empty(t, p.String())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, p.String())
			require.False(t, p.IsZero())
		})
	}
}

// TestParsePersonnummerSentinels: each error matches exactly one sentinel,
// following the documented order of checks.
func TestParsePersonnummerSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []error{idnum.ErrSyntax, idnum.ErrChecksum, idnum.ErrDate, idnum.ErrInterim, idnum.ErrSoleTrader}
	tests := []struct {
		in   string
		want error
	}{
		{"x", idnum.ErrSyntax},
		{"19121212-1213", idnum.ErrChecksum},
		{"19231301-2399", idnum.ErrChecksum}, // bad month and bad check digit
		{"19231301-2391", idnum.ErrDate},
		{"20001301-T226", idnum.ErrDate}, // interim with a bad month
		{"20000101-T220", idnum.ErrInterim},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := idnum.ParsePersonnummer(tt.in, at(dataNow))
			for _, s := range sentinels {
				require.Equal(t, s == tt.want, errors.Is(err, s), "%v is %v", err, s)
			}
		})
	}
}

func TestParsePersonnummerNilOptions(t *testing.T) {
	t.Parallel()
	p, err := idnum.ParsePersonnummer("19121212-1212", nil)
	require.NoError(t, err)
	require.Equal(t, "191212121212", p.String())
	require.Equal(t, "121212+1212", p.Short(time.Now())) // time.Now: over 100

	for _, opts := range []*idnum.Options{nil, {}} {
		_, err = idnum.ParsePersonnummer("20000101-T220", opts)
		require.ErrorIs(t, err, idnum.ErrInterim)
	}
}

func TestPersonnummerMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		str    string
		format string
		short  string // at dataNow, 1 June 2024
		kind   idnum.Kind
		coord  bool
		female bool
		birth  string
		full   bool
		age    int // at dataNow
	}{
		{"19121212-1212", "191212121212", "19121212-1212", "121212+1212", idnum.KindPersonnummer, false, false, "1912-12-12", true, 111},
		{"000229-2399", "200002292399", "20000229-2399", "000229-2399", idnum.KindPersonnummer, false, false, "2000-02-29", true, 24},
		{"19460823-9986", "194608239986", "19460823-9986", "460823-9986", idnum.KindPersonnummer, false, true, "1946-08-23", true, 77},
		{"701063-2391", "197010632391", "19701063-2391", "701063-2391", idnum.KindSamordningsnummer, true, false, "1970-10-03", true, 53},
		{"191500722390", "191500722390", "19150072-2390", "150072+2390", idnum.KindSamordningsnummer, true, false, "1915-01-12", false, 109},
		{"193100602394", "193100602394", "19310060-2394", "310060-2394", idnum.KindSamordningsnummer, true, false, "1931-01-01", false, 93},
		{"193002902397", "193002902397", "19300290-2397", "300290-2397", idnum.KindSamordningsnummer, true, false, "1930-02-28", false, 94},
		{"20000101-T220", "20000101T220", "20000101-T220", "000101-T220", idnum.KindInterim, false, true, "2000-01-01", true, 24},
		{"20000161-T227", "20000161T227", "20000161-T227", "000161-T227", idnum.KindInterim, true, true, "2000-01-01", true, 24},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := idnum.ParsePersonnummer(tt.in, atInterim(dataNow))
			require.NoError(t, err)
			require.Equal(t, tt.str, p.String())
			require.Equal(t, tt.format, p.Format())
			require.Equal(t, tt.short, p.Short(dataNow))
			require.Equal(t, tt.str[:8]+"-****", p.Masked())
			require.Equal(t, tt.kind, p.Kind())
			require.Equal(t, tt.coord, p.IsCoordination())
			require.Equal(t, tt.female, p.IsFemale())
			require.Equal(t, tt.birth, p.BirthDate().Format(time.DateOnly))
			require.Equal(t, time.UTC, p.BirthDate().Location())
			require.Equal(t, tt.full, p.HasFullBirthDate())
			require.Equal(t, tt.age, p.Age(dataNow))
			require.False(t, p.IsZero())
			// Every output form parses back to the same value.
			for _, s := range []string{p.String(), p.Format(), p.Short(dataNow)} {
				q, err := idnum.ParsePersonnummer(s, atInterim(dataNow))
				require.NoError(t, err, s)
				require.Equal(t, p, q)
			}
		})
	}
}

func TestPersonnummerAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pnr   string
		now   time.Time
		age   int
		short string
	}{
		{"day before birthday", "19121212-1212", date(2012, 12, 11), 99, "121212-1212"},
		{"on the 100th birthday", "19121212-1212", date(2012, 12, 12), 100, "121212+1212"},
		{"leapling on 28 Feb, common year", "20000229-2399", date(2001, 2, 28), 0, "000229-2399"},
		{"leapling on 1 March, common year", "20000229-2399", date(2001, 3, 1), 1, "000229-2399"},
		{"leapling on 29 Feb", "20000229-2399", date(2004, 2, 29), 4, "000229-2399"},
		{"leapling turns 100 on 1 March 2100", "20000229-2399", date(2100, 3, 1), 100, "000229+2399"},
		{"leapling is 99 on 28 Feb 2100", "20000229-2399", date(2100, 2, 28), 99, "000229-2399"},
		{"30 Feb samordningsnummer on 1 March", "193002902397", date(1931, 3, 1), 1, "300290-2397"},
		{"30 Feb samordningsnummer on 28 Feb", "193002902397", date(1931, 2, 28), 0, "300290-2397"},
		{"before birth", "20000229-2399", date(1999, 1, 1), 0, "000229-2399"},
		{"local calendar date counts", "19121212-1212",
			time.Date(2012, 12, 12, 0, 30, 0, 0, time.FixedZone("CET", 3600)), 100, "121212+1212"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := idnum.ParsePersonnummer(tt.pnr, at(dataNow))
			require.NoError(t, err)
			require.Equal(t, tt.age, p.Age(tt.now))
			require.Equal(t, tt.short, p.Short(tt.now))
			if !tt.now.Before(p.BirthDate()) {
				q, err := idnum.ParsePersonnummer(tt.short, at(tt.now))
				require.NoError(t, err)
				require.Equal(t, p, q)
			}
		})
	}
}

func TestPersonnummerZero(t *testing.T) {
	t.Parallel()
	var p idnum.Personnummer
	require.True(t, p.IsZero())
	require.Empty(t, p.String())
	require.Empty(t, p.Format())
	require.Empty(t, p.Short(dataNow))
	require.Empty(t, p.Masked())
	require.Equal(t, idnum.KindUnknown, p.Kind())
	require.False(t, p.IsCoordination())
	require.False(t, p.IsFemale())
	require.False(t, p.HasFullBirthDate())
	require.True(t, p.BirthDate().IsZero())
	require.Zero(t, p.Age(dataNow))
	require.Equal(t, "", p.LogValue().String())
}

func TestPersonnummerLogValue(t *testing.T) {
	t.Parallel()
	p, err := idnum.ParsePersonnummer("19121212-1212", at(dataNow))
	require.NoError(t, err)
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("login", "pnr", p, "group", slog.GroupValue(slog.Any("nested", p)))
	out := buf.String()
	require.Contains(t, out, `"pnr":"19121212-****"`)
	require.Contains(t, out, `"nested":"19121212-****"`)
	require.NotContains(t, out, "1212121212")

	type holder struct{ P idnum.Personnummer }
	require.Equal(t, `idnum_test.holder{P:idnum.Personnummer("19121212-****")}`, fmt.Sprintf("%#v", holder{p}))

	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "pnr", p)
	require.Contains(t, buf.String(), "pnr=19121212-****")
	require.NotContains(t, buf.String(), "1212121212")
}

func TestPersonnummerText(t *testing.T) {
	t.Parallel()
	type record struct {
		Who idnum.Personnummer `json:"who"`
	}
	p, err := idnum.ParsePersonnummer("000101-T220", atInterim(dataNow))
	require.NoError(t, err)
	data, err := json.Marshal(record{Who: p})
	require.NoError(t, err)
	require.JSONEq(t, `{"who":"20000101T220"}`, string(data))

	var r record
	require.NoError(t, json.Unmarshal(data, &r)) // stored interim numbers decode
	require.Equal(t, p, r.Who)

	require.NoError(t, json.Unmarshal([]byte(`{"who":""}`), &r))
	require.True(t, r.Who.IsZero())
	zero, err := idnum.Personnummer{}.MarshalText()
	require.NoError(t, err)
	require.Empty(t, zero)

	// Only the normal form: user input goes through ParsePersonnummer.
	for _, in := range []string{"19121212-1212", "121212-1212", "1212121212", " 191212121212", "191212121213", "20000101t220"} {
		var q idnum.Personnummer
		err := q.UnmarshalText([]byte(in))
		require.Error(t, err, in)
		requireSentinel(t, err, in)
		require.True(t, q.IsZero())
	}
	var q idnum.Personnummer
	require.NoError(t, q.UnmarshalText([]byte("191212121212")))
	require.Equal(t, "191212121212", q.String())
}

func TestKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k    idnum.Kind
		str  string
		name idnum.Text
	}{
		{idnum.KindUnknown, "unknown", idnum.Text{SV: "Okänt", EN: "Unknown"}},
		{idnum.KindPersonnummer, "personnummer", idnum.Text{SV: "Personnummer", EN: "Personal identity number"}},
		{idnum.KindSamordningsnummer, "samordningsnummer", idnum.Text{SV: "Samordningsnummer", EN: "Coordination number"}},
		{idnum.KindInterim, "interim", idnum.Text{SV: "Interimsnummer", EN: "Interim number"}},
		{idnum.Kind(99), "unknown", idnum.Text{SV: "Okänt", EN: "Unknown"}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.str, tt.k.String())
		require.Equal(t, tt.name, tt.k.Name())
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tx := idnum.Text{SV: "Aktiebolag", EN: "Limited company"}
	require.Equal(t, "Aktiebolag", tx.String())
	require.Equal(t, "Aktiebolag", tx.In("sv"))
	require.Equal(t, "Limited company", tx.In("en"))
	require.Equal(t, "Aktiebolag", tx.In("de"))
	require.Equal(t, "Okänd", idnum.Text{SV: "Okänd"}.In("en"))
}

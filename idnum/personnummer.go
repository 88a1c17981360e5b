package idnum

import (
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// maxInputLen caps the input before any other work. The longest accepted
// form is 13 characters; the rest leaves room for surrounding spaces.
const maxInputLen = 64

// minYear is the earliest accepted birth year. The personnummer system
// started in 1947 and Skatteverket's test numbers begin in 1890, so earlier
// years are typing errors; the bound also keeps absurd dates out.
const minYear = 1800

// interimLetters are the letters used in place of the first digit of the
// birth number in interim numbers (personnummer/meta spec v3.1).
const interimLetters = "TRSUWXJKLMN"

// Options configures ParsePersonnummer and ParseBusinessID. A nil *Options
// means the defaults of every field.
type Options struct {
	// Now is the clock used by the century rule of the 10-digit forms and
	// to reject birth dates in the future. Dates are compared as calendar
	// dates in the location of the time Now returns. Defaults to time.Now.
	Now func() time.Time

	// AllowInterim accepts interim numbers, which carry a letter (T, R, S,
	// U, W, X, J, K, L, M or N) in place of the first digit of the birth
	// number, e.g. "20000101-T220". Lower-case letters are accepted and
	// normalised to upper case. Defaults to false: interim numbers are
	// rejected with ErrInterim.
	AllowInterim bool
}

func (o *Options) now() time.Time {
	if o == nil || o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func (o *Options) allowInterim() bool { return o != nil && o.AllowInterim }

// Personnummer is a validated Swedish personal identity number: a
// personnummer, a samordningsnummer (coordination number, day of birth plus
// 60) or, when allowed, an interim number. It holds the normal form of 12
// characters, YYYYMMDDNNNC, with an interim letter kept in upper case.
//
// The zero value is not a valid number; IsZero reports it, and its methods
// return empty strings, false, zero times and KindUnknown.
//
// A Personnummer is personal data. String, Format and MarshalText give the
// full number for storage and for the holder's own eyes; use Masked in lists
// and logs. LogValue masks, so slog never writes the full number.
// Personnummer values are comparable with ==.
type Personnummer struct {
	v string // "" or 12 characters YYYYMMDDNNNC
}

// scanned is a personnummer split into its fields and checked for shape,
// check digit and month and day ranges, but not yet placed in a century.
type scanned struct {
	body    [10]byte // YYMMDDNNNC, an interim letter upper-cased
	century int      // 0 to 99, or -1 for the 10-digit forms
	sep     byte     // '-', '+' or 0 when there was none
	yy, mm  int      // two-digit year and month (0 means unknown)
	dd      int      // day of month without the +60 (0 means unknown)
	coord   bool     // samordningsnummer: the day field is 60 to 91
	interim bool     // a letter in place of the first birth-number digit
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scan checks everything that does not depend on the clock.
func scan(s string) (scanned, error) {
	var sc scanned
	if len(s) > maxInputLen {
		return sc, errTooLong
	}
	s = strings.TrimSpace(s)
	sc.century = -1
	switch len(s) {
	case 10: // YYMMDDNNNC
		copy(sc.body[:], s)
	case 11: // YYMMDD-NNNC
		copy(sc.body[:6], s[:6])
		sc.sep = s[6]
		copy(sc.body[6:], s[7:])
	case 12: // YYYYMMDDNNNC
		if !isDigit(s[0]) || !isDigit(s[1]) {
			return sc, errCharacter
		}
		sc.century = int(s[0]-'0')*10 + int(s[1]-'0')
		copy(sc.body[:], s[2:])
	case 13: // YYYYMMDD-NNNC
		if !isDigit(s[0]) || !isDigit(s[1]) {
			return sc, errCharacter
		}
		sc.century = int(s[0]-'0')*10 + int(s[1]-'0')
		copy(sc.body[:6], s[2:8])
		sc.sep = s[8]
		copy(sc.body[6:], s[9:])
	default:
		return sc, errLength
	}
	if (len(s) == 11 || len(s) == 13) && sc.sep != '-' && sc.sep != '+' {
		return sc, errSeparator
	}
	b := &sc.body
	for i, c := range b {
		if isDigit(c) {
			continue
		}
		if i != 6 {
			return sc, errCharacter
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return sc, errCharacter
		}
		if strings.IndexByte(interimLetters, c) < 0 {
			return sc, errLetter
		}
		b[i] = c
		sc.interim = true
	}
	if b[6] == '0' && b[7] == '0' && b[8] == '0' {
		return sc, errSerialZero
	}
	check := *b
	if sc.interim {
		check[6] = '1' // the letter counts as 1 in the Luhn check
	}
	if !luhn10(&check) {
		return sc, errLuhn
	}
	sc.yy = twoDigits(b[0], b[1])
	sc.mm = twoDigits(b[2], b[3])
	sc.dd = twoDigits(b[4], b[5])
	if sc.dd >= 60 {
		sc.coord = true
		sc.dd -= 60
	}
	if sc.mm > 12 || (sc.mm == 0 && !sc.coord) {
		return sc, errMonth
	}
	if sc.dd > 31 || (sc.dd == 0 && !sc.coord) {
		return sc, errDay
	}
	return sc, nil
}

// resolve places a scanned number in its century and checks the date.
func (sc *scanned) resolve(now time.Time) (int, error) {
	ny, nmonth, nd := now.Date()
	nm := int(nmonth)
	m, d := orOne(sc.mm), orOne(sc.dd)
	var y int
	if sc.century >= 0 {
		y = sc.century*100 + sc.yy
	} else {
		// The latest year ending in yy that is not after now...
		r := ny % 100
		if r < 0 {
			r += 100
		}
		y = ny - (r-sc.yy+100)%100
		// ...and a century earlier if that date is still to come.
		if after(y, m, d, ny, nm, nd) {
			y -= 100
		}
		if sc.sep == '+' {
			y -= 100
		}
	}
	if y < minYear || y > 9999 {
		return 0, errYear
	}
	// Only a personnummer must be a calendar date: Skatteverket's own test
	// samordningsnummer include days such as 30 February.
	if !sc.coord && sc.dd > daysIn(y, sc.mm) {
		return 0, errDay
	}
	if after(y, m, d, ny, nm, nd) {
		return 0, errFuture
	}
	if sc.century >= 0 && sc.sep == '+' && age(y, m, d, ny, nm, nd) < 100 {
		return 0, errPlusYoung
	}
	return y, nil
}

// ParsePersonnummer parses and validates a personnummer or samordningsnummer
// and returns it in normal form. Surrounding white space is ignored. Accepted
// forms (N: birth number, C: check digit):
//
//	YYYYMMDDNNNC   YYYYMMDD-NNNC   YYYYMMDD+NNNC
//	YYMMDDNNNC     YYMMDD-NNNC     YYMMDD+NNNC
//
// In the 10-digit forms the century is chosen so that the birth date is the
// latest one not after now (Options.Now): "-" or no separator means younger
// than 100 years, "+" means 100 years or older. In the 12-digit forms the
// century is given, "-" is always accepted and "+" only for someone who is
// 100 or older at now. A samordningsnummer has 60 added to the day; the
// unknown month 00 and unknown day 60 that Skatteverket issues are accepted,
// and so is a day beyond the length of its month (Skatteverket's test
// samordningsnummer include 30 February); see HasFullBirthDate.
// Interim numbers are accepted only with Options.AllowInterim. Birth number
// 000 is never issued and is rejected.
//
// Errors match ErrSyntax, ErrChecksum, ErrDate or ErrInterim (checked in that
// order); their strings never contain the input.
func ParsePersonnummer(s string, opts *Options) (Personnummer, error) {
	sc, err := scan(s)
	if err != nil {
		return Personnummer{}, err
	}
	y, err := sc.resolve(opts.now())
	if err != nil {
		return Personnummer{}, err
	}
	if sc.interim && !opts.allowInterim() {
		return Personnummer{}, errInterim
	}
	var out [12]byte
	out[0] = byte('0' + y/1000)
	out[1] = byte('0' + y/100%10)
	copy(out[2:], sc.body[:])
	return Personnummer{v: string(out[:])}, nil
}

// String returns the normal form, 12 characters YYYYMMDDNNNC (an interim
// number keeps its letter: YYYYMMDDLNNC). This is the form to store. The
// zero value gives "".
func (p Personnummer) String() string { return p.v }

// Format returns the 12-digit form with a hyphen, YYYYMMDD-NNNC, for display
// to the holder. The century is explicit, so the hyphen is used at any age.
func (p Personnummer) Format() string {
	if p.v == "" {
		return ""
	}
	return p.v[:8] + "-" + p.v[8:]
}

// Short returns the 10-digit form of the Swedish folkbokföring, YYMMDD-NNNC,
// or YYMMDD+NNNC when the holder is 100 years or older at now. Parsing the
// result with the same clock gives p back, provided the holder is younger
// than 200 at now: the short form cannot express more.
func (p Personnummer) Short(now time.Time) string {
	if p.v == "" {
		return ""
	}
	sep := "-"
	if p.Age(now) >= 100 {
		sep = "+"
	}
	return p.v[2:8] + sep + p.v[8:]
}

// Masked returns the birth date with the last four characters hidden,
// YYYYMMDD-****, for logs and list views. The zero value gives "".
func (p Personnummer) Masked() string {
	if p.v == "" {
		return ""
	}
	return p.v[:8] + "-****"
}

// LogValue implements slog.LogValuer: the masked form, so logging a
// Personnummer never writes the full number.
func (p Personnummer) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// GoString implements fmt.GoStringer with the masked form, so a %#v dump of
// a struct holding a Personnummer does not show the full number.
func (p Personnummer) GoString() string {
	return "idnum.Personnummer(" + strconv.Quote(p.Masked()) + ")"
}

// Kind returns the kind of the number: KindInterim when it has an interim
// letter, KindSamordningsnummer when the day has 60 added, otherwise
// KindPersonnummer; KindUnknown for the zero value.
func (p Personnummer) Kind() Kind {
	switch {
	case p.v == "":
		return KindUnknown
	case !isDigit(p.v[8]):
		return KindInterim
	case p.v[6] >= '6':
		return KindSamordningsnummer
	default:
		return KindPersonnummer
	}
}

// IsCoordination reports whether the number is a samordningsnummer (the day
// field is 60 to 91). An interim number can carry a coordination day too, so
// this is independent of Kind returning KindInterim.
func (p Personnummer) IsCoordination() bool { return p.v != "" && p.v[6] >= '6' }

// ymd returns the birth date fields as written: month 0 and day 0 mean
// unknown (samordningsnummer), the day is without the +60.
func (p Personnummer) ymd() (y, m, d int) {
	y = twoDigits(p.v[0], p.v[1])*100 + twoDigits(p.v[2], p.v[3])
	m = twoDigits(p.v[4], p.v[5])
	d = twoDigits(p.v[6], p.v[7])
	if d >= 60 {
		d -= 60
	}
	return y, m, d
}

// HasFullBirthDate reports whether BirthDate is the exact date of birth. It
// is false only for a samordningsnummer with month 00 or day 60, which
// Skatteverket issues when the month or day of birth is unknown, or with a
// day the month does not have (such as 30 February).
func (p Personnummer) HasFullBirthDate() bool {
	if p.v == "" {
		return false
	}
	y, m, d := p.ymd()
	return m != 0 && d != 0 && d <= daysIn(y, m)
}

// BirthDate returns the date of birth at midnight UTC; for a
// samordningsnummer the day has 60 subtracted. When HasFullBirthDate is false
// it is a best effort: an unknown month (00) counts as January, an unknown
// day (60) as the 1st, and a day the month does not have as the last day of
// the month. The zero value gives the zero time.
func (p Personnummer) BirthDate() time.Time {
	if p.v == "" {
		return time.Time{}
	}
	y, m, d := p.ymd()
	m, d = orOne(m), orOne(d)
	d = min(d, daysIn(y, m))
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// Age returns the number of whole years from the date of birth to the
// calendar date of now in now's location. Someone born on 29 February turns a
// year older on 1 March in common years (as does the holder of a
// samordningsnummer with a day the month lacks, such as 30 February). With an
// unknown month or day (month 00, day 60) they count as January and the 1st,
// so the age may be one year too high. It is 0 when now is before the date
// of birth, and for the zero value.
func (p Personnummer) Age(now time.Time) int {
	if p.v == "" {
		return 0
	}
	y, m, d := p.ymd()
	ny, nm, nd := now.Date()
	return max(age(y, orOne(m), orOne(d), ny, int(nm), nd), 0)
}

// IsFemale reports whether the second last digit is even, which Skatteverket
// assigns to women (legal sex at the time of issue). It is false for the zero
// value.
func (p Personnummer) IsFemale() bool { return p.v != "" && (p.v[10]-'0')%2 == 0 }

// IsZero reports whether p is the zero value, which holds no number.
func (p Personnummer) IsZero() bool { return p.v == "" }

// MarshalText implements encoding.TextMarshaler with the normal form (see
// String); the zero value gives empty text.
func (p Personnummer) MarshalText() ([]byte, error) { return []byte(p.v), nil }

// UnmarshalText implements encoding.TextUnmarshaler. It is the inverse of
// MarshalText, for stored values: it accepts only the 12-character normal
// form (interim numbers included, since they were accepted when stored) or
// empty text for the zero value, and checks the date against time.Now. Parse
// user input with ParsePersonnummer instead, which applies the Options.
func (p *Personnummer) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*p = Personnummer{}
		return nil
	}
	if len(text) != 12 {
		return errLength
	}
	for i, c := range text {
		// Index 8 may hold an interim letter, in upper case as String writes it.
		if !isDigit(c) && (i != 8 || c < 'A' || c > 'Z') {
			return errCharacter
		}
	}
	v, err := ParsePersonnummer(string(text), &Options{AllowInterim: true})
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func twoDigits(a, b byte) int { return int(a-'0')*10 + int(b-'0') }

func orOne(n int) int {
	if n == 0 {
		return 1
	}
	return n
}

// after reports whether date (y, m, d) is after (ny, nm, nd). It compares
// fields, so it works for dates that do not exist, such as 29 February in a
// common year.
func after(y, m, d, ny, nm, nd int) bool {
	if y != ny {
		return y > ny
	}
	if m != nm {
		return m > nm
	}
	return d > nd
}

// age is the number of whole years from (y, m, d) to (ny, nm, nd).
func age(y, m, d, ny, nm, nd int) int {
	a := ny - y
	if nm < m || (nm == m && nd < d) {
		a--
	}
	return a
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	default:
		return 31
	}
}

package form

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Value is one answer in its canonical typed representation. The zero Value
// is "no value". Construct values with String, Int, Decimal, Date, Bool,
// List, Files and Group; values decoded from HTML posts or JSON (DecodeForm,
// DecodeJSON) are of the kind their field's type asks for, or text holding
// the raw input when the input could not be converted (validation then
// reports it, so nothing the user typed is lost).
type Value struct {
	kind  Kind
	s     string // text; canonical decimal; date as YYYY-MM-DD
	n     int64  // integer; boolean as 0 or 1
	list  []string
	files []FileRef
	items []Values
}

// Values maps field IDs to values. It holds the answers of a whole form, or
// of one item of a repeating group.
type Values map[string]Value

// FileRef refers to an attachment stored with a draft or a case. The bytes
// live elsewhere; the reference carries what validation needs.
type FileRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // lower-case hex
}

// String returns a text value.
func String(s string) Value { return Value{kind: KindText, s: s} }

// Int returns an integer value.
func Int(n int64) Value { return Value{kind: KindInt, n: n} }

// Decimal returns a decimal value from its text ("1234.5", "-0,25",
// "1 234,50"). It returns an error when s is not a decimal number.
func Decimal(s string) (Value, error) {
	c, ok := canonicalDecimal(s)
	if !ok {
		return Value{}, fmt.Errorf("form: %w: not a decimal number", ErrValue)
	}
	return Value{kind: KindDecimal, s: c}, nil
}

// Date returns a date value; the time of day and location are ignored.
func Date(t time.Time) Value { return Value{kind: KindDate, s: t.Format(time.DateOnly)} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, n: 1}
	}
	return Value{kind: KindBool}
}

// List returns the value of a multichoice field: the selected option values.
func List(values ...string) Value { return Value{kind: KindList, list: slices.Clone(values)} }

// Files returns the value of a file field.
func Files(refs ...FileRef) Value { return Value{kind: KindFiles, files: slices.Clone(refs)} }

// Group returns the value of a repeating group: one Values per item.
func Group(items ...Values) Value { return Value{kind: KindGroup, items: slices.Clone(items)} }

// Kind returns the value's kind; KindNone for the zero Value.
func (v Value) Kind() Kind { return v.kind }

// IsZero reports whether v is no value.
func (v Value) IsZero() bool { return v.kind == KindNone }

// Text returns the text of a text value, the canonical text of a decimal,
// the date as YYYY-MM-DD, or the decimal form of an integer.
func (v Value) Text() string {
	switch v.kind {
	case KindInt:
		return strconv.FormatInt(v.n, 10)
	case KindBool:
		return strconv.FormatBool(v.n == 1)
	}
	return v.s
}

// Int returns the integer of an integer value.
func (v Value) Int() int64 { return v.n }

// Bool returns the boolean of a boolean value.
func (v Value) Bool() bool { return v.kind == KindBool && v.n == 1 }

// Date returns the date of a date value in UTC, and false for other kinds.
func (v Value) Date() (time.Time, bool) {
	if v.kind != KindDate {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, v.s)
	return t, err == nil
}

// List returns a copy of the selected options of a multichoice value.
func (v Value) List() []string { return slices.Clone(v.list) }

// Files returns a copy of the references of a file value.
func (v Value) Files() []FileRef { return slices.Clone(v.files) }

// Items returns the items of a group value. The items are shared: do not
// modify them.
func (v Value) Items() []Values { return v.items }

// isSet reports whether v counts as answered: non-empty text, a checked
// box, a non-empty list, at least one file or group item.
func (v Value) isSet() bool {
	switch v.kind {
	case KindNone:
		return false
	case KindText, KindDate, KindDecimal:
		return strings.TrimSpace(v.s) != ""
	case KindBool:
		return v.n == 1
	case KindList:
		return len(v.list) > 0
	case KindFiles:
		return len(v.files) > 0
	case KindGroup:
		return len(v.items) > 0
	}
	return true
}

// Equal reports whether v and w are the same value.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind || v.s != w.s || v.n != w.n {
		return false
	}
	if !slices.Equal(v.list, w.list) || !slices.Equal(v.files, w.files) {
		return false
	}
	return slices.EqualFunc(v.items, w.items, Values.Equal)
}

// Equal reports whether vs and ws hold the same values.
func (vs Values) Equal(ws Values) bool {
	return maps.EqualFunc(vs, ws, Value.Equal)
}

// Clone returns a deep copy of vs.
func (vs Values) Clone() Values {
	if vs == nil {
		return nil
	}
	out := make(Values, len(vs))
	for k, v := range vs {
		out[k] = v.clone()
	}
	return out
}

func (v Value) clone() Value {
	v.list = slices.Clone(v.list)
	v.files = slices.Clone(v.files)
	if v.items != nil {
		items := make([]Values, len(v.items))
		for i, it := range v.items {
			items[i] = it.Clone()
		}
		v.items = items
	}
	return v
}

// canonicalDecimal normalises a decimal number written with a point or a
// comma, optional sign and optional thousands separators (space, no-break
// space, thin space). It returns the canonical form: no leading zeros, no
// trailing fractional zeros, "." as separator, "0" for zero.
func canonicalDecimal(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxDecimalInput {
		return "", false
	}
	var b strings.Builder
	neg := false
	switch s[0] {
	case '-', '+':
		neg = s[0] == '-'
		s = s[1:]
	default:
		if strings.HasPrefix(s, "−") { // U+2212 minus sign
			neg = true
			s = s[len("−"):]
		}
	}
	var intPart, frac []byte
	seenSep, digits := false, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if seenSep {
				frac = append(frac, byte(r))
			} else {
				intPart = append(intPart, byte(r))
			}
		case r == '.' || r == ',':
			if seenSep {
				return "", false
			}
			seenSep = true
		case (r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009') && !seenSep && len(intPart) > 0:
			// thousands separator
		default:
			return "", false
		}
	}
	if digits == 0 || digits > maxDecimalDigits {
		return "", false
	}
	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if len(intPart) == 0 {
		intPart = []byte{'0'}
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if neg && !(len(intPart) == 1 && intPart[0] == '0' && len(frac) == 0) {
		b.WriteByte('-')
	}
	b.Write(intPart)
	if len(frac) > 0 {
		b.WriteByte('.')
		b.Write(frac)
	}
	return b.String(), true
}

const (
	maxDecimalInput  = 64
	maxDecimalDigits = 30
)

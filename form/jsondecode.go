package form

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A strict JSON parser for values documents, written for DecodeJSON, which
// the draft store runs on every page view and every submit. The
// encoding/json implementation it replaces decoded into a
// map[string]json.RawMessage and then every value again; this one is
// about nine times faster on a 4 KB document, with a tenth of the
// allocations (see BenchmarkDecodeJSON).
//
// It works in two passes over the bytes. The first validates the whole
// document as encoding/json does (grammar, string escapes, no raw control
// characters in strings, nesting at most 10000 deep) and notes where each
// top-level member starts. The second decodes only the values of known
// fields, straight from the bytes, with the results of the old code:
// duplicate keys (the last one wins), string unescaping (\uXXXX,
// surrogate pairs, lone surrogates and invalid UTF-8 as U+FFFD), the
// acceptance rules of each kind and the order of the errors. The one
// difference is deliberate: nothing may follow the top-level value (see
// parseDocument). Decoded strings are copies: nothing returned shares
// memory with data, which callers may wipe and reuse.

// maxJSONDepth caps the nesting of objects and arrays, as encoding/json does.
const maxJSONDepth = 10000

// decodeValues is DecodeJSON after its checks of the form and the size.
func decodeValues(c *compiled, data []byte) (Values, error) {
	var members [32]jsonMember
	d := valuesDecoder{data: data, members: members[:0]}
	null, ok := d.parseDocument()
	if !ok {
		return nil, &ValidationError{Fields: []FieldError{{Code: "json", Message: T("Svaren är inte giltig JSON.", "The answers are not valid JSON.")}}}
	}
	if null {
		return Values{}, nil // encoding/json decoded null as no answers
	}
	out := d.decode(c)
	if len(d.errs) > 0 {
		return out, &ValidationError{Fields: d.errs}
	}
	return out, nil
}

// jsonMember is one member of a JSON object: its unescaped key and its
// value, which starts at data[val]. A string value has been scanned
// already: str saves scanning it again.
type jsonMember struct {
	key []byte
	val int
	str strScan
}

// strScan is what scanString found out about a string of a valid document.
type strScan struct {
	end       int  // the index after its closing quote
	esc, high bool // whether it has escapes, whether it has non-ASCII bytes
}

// valuesDecoder decodes one values document.
type valuesDecoder struct {
	data    []byte
	errs    []FieldError
	members []jsonMember // the members of the objects being decoded, innermost last
}

func (d *valuesDecoder) fail(step string, path fieldPath, code string) {
	d.errs = append(d.errs, FieldError{Step: step, Field: path.String(), Code: code, Message: message(code, nil)})
}

// parseDocument validates the document and collects the members of its
// top-level object in d.members. It reports whether the document is the
// literal null (which encoding/json decoded as an empty map) and whether
// it is valid: an object, or null, with nothing but white space around.
//
// Unlike the json.Decoder the old implementation used (its More method
// stopped at a '}' or ']'), it rejects anything after the value: `{}}` and
// `{} ]x` are not valid documents.
func (d *valuesDecoder) parseDocument() (null, ok bool) {
	data := d.data
	i := skipSpace(data, 0)
	if i >= len(data) {
		return false, false
	}
	switch data[i] {
	case 'n':
		return true, hasLiteral(data, i, "null") && skipSpace(data, i+4) == len(data)
	case '{':
	default:
		return false, false // invalid, or valid JSON that is not an object
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return false, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false, false
		}
		end, esc, high, ok := scanString(data, i)
		if !ok {
			return false, false
		}
		key := data[i+1 : end-1]
		if esc || high && !utf8.Valid(key) {
			key = []byte(unquote(key))
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return false, false
		}
		i = skipSpace(data, i+1)
		m := jsonMember{key: key, val: i}
		if i < len(data) && data[i] == '"' {
			if m.str.end, m.str.esc, m.str.high, ok = scanString(data, i); !ok {
				return false, false
			}
			i = m.str.end
		} else if i, ok = skipValid(data, i, 1); !ok {
			return false, false
		}
		d.members = append(d.members, m)
		i = skipSpace(data, i)
		if i >= len(data) {
			return false, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return false, skipSpace(data, i+1) == len(data)
		default:
			return false, false
		}
	}
}

// decode decodes the members parseDocument collected.
func (d *valuesDecoder) decode(c *compiled) Values {
	ms := uniqueMembers(d.members)
	out := make(Values, len(ms))
	for _, m := range ms {
		cf, ok := c.fields[string(m.key)]
		if !ok {
			d.fail("", fieldPath{id: string(m.key)}, "unknownField")
			continue
		}
		if v, ok := d.value(cf, cf.step, fieldPath{id: cf.field.ID}, m); ok {
			out[cf.field.ID] = v
		}
	}
	return out
}

// uniqueMembers sorts ms by key in place and keeps the last member of each
// key, as decoding into a Go map does, so that fields are decoded (and
// errors reported) in key order. Canonical documents are sorted already.
func uniqueMembers(ms []jsonMember) []jsonMember {
	sorted := true
	for k := 1; k < len(ms); k++ {
		if bytes.Compare(ms[k-1].key, ms[k].key) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return ms
	}
	slices.SortFunc(ms, func(a, b jsonMember) int {
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.val, b.val)
	})
	out := ms[:0]
	for k, m := range ms {
		if k+1 < len(ms) && bytes.Equal(m.key, ms[k+1].key) {
			continue // a later member has the same key
		}
		out = append(out, m)
	}
	return out
}

// value decodes the value of m for the field cf. It reports false for
// null (the field stays unset) and for a value it cannot take, after
// recording the error.
func (d *valuesDecoder) value(cf *cfield, step string, path fieldPath, m jsonMember) (Value, bool) {
	data, i := d.data, m.val
	c := data[i]
	if c == 'n' {
		return Value{}, false
	}
	kind := cf.field.Type.Kind()
	number := c == '-' || c >= '0' && c <= '9'
	switch kind {
	case KindNone:
		d.fail(step, path, "notAllowed")
		return Value{}, false
	case KindText, KindDate:
		switch {
		case c == '"' && kind == KindDate:
			s := d.str(i, m.str)
			if v, ok := coerce(String(s), KindDate); ok {
				return v, true
			}
			return String(s), true
		case c == '"':
			s := d.text(cf, i, m.str)
			return String(s), true
		case number:
			return String(string(data[i:numberEnd(data, i)])), true
		}
	case KindInt, KindDecimal:
		switch {
		case number:
			return numberValue(data[i:numberEnd(data, i)], kind), true
		case c == 't':
			return String("true"), true // kept; validation reports it
		case c == 'f':
			return String("false"), true // kept; validation reports it
		case c == '"':
			s := d.str(i, m.str)
			if v, ok := coerce(String(s), kind); ok {
				return v, true
			}
			return String(s), true // kept; validation reports it
		}
	case KindBool:
		switch c {
		case 't':
			return Bool(true), true
		case 'f':
			return Bool(false), true
		case '"':
			s := d.str(i, m.str)
			if v, ok := coerce(String(s), KindBool); ok {
				return v, true
			}
		}
	case KindList:
		switch c {
		case '[':
			if list, ok := d.list(cf, i); ok {
				return Value{kind: KindList, list: list}, true
			}
		case '"':
			s := d.text(cf, i, m.str)
			return Value{kind: KindList, list: []string{s}}, true
		}
	case KindFiles:
		if c == '[' {
			if refs, ok := d.files(i); ok {
				return Value{kind: KindFiles, files: refs}, true
			}
		}
	case KindGroup:
		if c == '[' {
			return d.group(cf, step, path, i)
		}
	}
	d.fail(step, path, "type")
	return Value{}, false
}

// numberValue converts a JSON number for an integer or decimal field as
// coerce does with its text (a JSON number has no spaces to trim), or
// keeps the text for validation to report.
func numberValue(lit []byte, kind Kind) Value {
	if kind == KindInt {
		if n, ok := jsonInt(lit); ok {
			return Int(n)
		}
		return String(string(lit))
	}
	if canonicalNumber(lit) {
		return Value{kind: KindDecimal, s: string(lit)}
	}
	s := string(lit)
	if v, ok := coerce(String(s), KindDecimal); ok {
		return v
	}
	return String(s)
}

// jsonInt parses a JSON number as strconv.ParseInt(lit, 10, 64) does: an
// optional minus sign and digits, in the range of an int64.
func jsonInt(lit []byte) (int64, bool) {
	digits := lit
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		n, err := strconv.ParseInt(string(lit), 10, 64)
		return n, err == nil
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) < len(lit) {
		n = -n
	}
	return n, true
}

// canonicalNumber reports whether canonicalDecimal returns the JSON number
// lit unchanged: no exponent, at most maxDecimalDigits digits, no trailing
// zero after a decimal point and not negative zero. (The JSON grammar
// rules out leading zeros and an empty integer part.)
func canonicalNumber(lit []byte) bool {
	if len(lit) == 0 || len(lit) > maxDecimalInput || string(lit) == "-0" {
		return false
	}
	digits, point := 0, false
	for _, c := range lit {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			point = true
		case c != '-':
			return false
		}
	}
	return digits <= maxDecimalDigits && !(point && lit[len(lit)-1] == '0')
}

// list decodes an array of strings for a multichoice field.
func (d *valuesDecoder) list(cf *cfield, i int) ([]string, bool) {
	data := d.data
	var buf [8]string
	sel := buf[:0]
	i = skipSpace(data, i+1)
	if data[i] != ']' {
		for {
			if data[i] != '"' {
				return nil, false
			}
			sc := d.scan(i)
			sel = append(sel, d.text(cf, i, sc))
			i = skipSpace(data, sc.end)
			if data[i] == ']' {
				break
			}
			i = skipSpace(data, i+1) // after ','
		}
	}
	return sortByOptions(slices.Clone(sel), cf.options), true
}

// The fields of a FileRef, by the upper case of their JSON names.
var fileRefFields = [...]string{"ID", "NAME", "CONTENTTYPE", "SIZE", "SHA256"}

const (
	fileRefID = iota
	fileRefName
	fileRefContentType
	fileRefSize
	fileRefSHA256
)

// files decodes an array of file references as json.Unmarshal into a
// []FileRef does: null elements are zero references, keys match the JSON
// names of the fields regardless of case, unknown keys are ignored, null
// leaves a field as it is, and any value of another type fails the whole
// array.
func (d *valuesDecoder) files(i int) ([]FileRef, bool) {
	data := d.data
	refs := []FileRef{}
	i = skipSpace(data, i+1)
	if data[i] == ']' {
		return refs, true
	}
	for {
		var ref FileRef
		switch data[i] {
		case 'n':
			i += len("null")
		case '{':
			var ok bool
			if i, ok = d.fileRef(i, &ref); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
		refs = append(refs, ref)
		i = skipSpace(data, i)
		if data[i] == ']' {
			return refs, true
		}
		i = skipSpace(data, i+1) // after ','
	}
}

// fileRef decodes the object at data[i] into ref and returns the index
// after it.
func (d *valuesDecoder) fileRef(i int, ref *FileRef) (int, bool) {
	data := d.data
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return i + 1, true
	}
	for {
		key, end := d.key(i)
		field := fileRefField(key)
		i = skipSpace(data, end) // at ':'
		i = skipSpace(data, i+1) // at the value
		switch c := data[i]; {
		case field < 0:
			i = skipValue(data, i)
		case c == 'n':
			i += len("null") // encoding/json ignores null for a string or an integer
		case field == fileRefSize:
			if c != '-' && (c < '0' || c > '9') {
				return i, false
			}
			end := numberEnd(data, i)
			n, ok := jsonInt(data[i:end])
			if !ok {
				return i, false // a fraction, an exponent or out of range
			}
			ref.Size, i = n, end
		default:
			if c != '"' {
				return i, false
			}
			sc := d.scan(i)
			s := d.str(i, sc)
			switch field {
			case fileRefID:
				ref.ID = s
			case fileRefName:
				ref.Name = s
			case fileRefContentType:
				ref.ContentType = s
			case fileRefSHA256:
				ref.SHA256 = s
			}
			i = sc.end
		}
		i = skipSpace(data, i)
		if data[i] == '}' {
			return i + 1, true
		}
		i = skipSpace(data, i+1) // after ','
	}
}

// fileRefField returns the FileRef field that the key names, or -1.
func fileRefField(key []byte) int {
	for f, name := range fileRefFields {
		if foldEqual(key, name) {
			return f
		}
	}
	return -1
}

// foldEqual reports whether key matches the upper-case ASCII name as
// encoding/json matches object keys to field names: ASCII letters in any
// case, and other runes by their simple case folding (so "\u212a" matches
// "K" and "\u017f" matches "S").
func foldEqual(key []byte, upper string) bool {
	j := 0
	for k := 0; k < len(key); {
		if j >= len(upper) {
			return false
		}
		c := key[k]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != upper[j] {
				return false
			}
			k++
			j++
			continue
		}
		r, size := utf8.DecodeRune(key[k:])
		if foldRune(r) != rune(upper[j]) {
			return false
		}
		k += size
		j++
	}
	return j == len(upper)
}

// foldRune returns the smallest rune of r's case folding orbit, as
// encoding/json does.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// group decodes an array of items for a group field. As json.Unmarshal
// into a []map[string]json.RawMessage did before any item was looked at,
// an element that is not an object or null fails the whole group, and a
// group of more than HardMaxItems items is reported as such alone.
func (d *valuesDecoder) group(cf *cfield, step string, path fieldPath, i int) (Value, bool) {
	data := d.data
	n := 0
	j := skipSpace(data, i+1)
	if data[j] != ']' {
		for {
			if c := data[j]; c != '{' && c != 'n' {
				d.fail(step, path, "type")
				return Value{}, false
			}
			n++
			j = skipSpace(data, skipValue(data, j))
			if data[j] == ']' {
				break
			}
			j = skipSpace(data, j+1) // after ','
		}
	}
	if n > HardMaxItems {
		d.fail(step, path, "maxItems")
		return Value{}, false
	}
	groupPath := path.String() // the group's ID, unless it is in a group
	items := make([]Values, 0, n)
	j = skipSpace(data, i+1)
	for k := range n {
		if data[j] == 'n' {
			items = append(items, Values{})
			j += len("null")
		} else {
			var vs Values
			vs, j = d.item(cf, step, fieldPath{group: groupPath, index: k}, j)
			items = append(items, vs)
		}
		j = skipSpace(data, skipSpace(data, j)+1) // after ',' or ']'
	}
	return Value{kind: KindGroup, items: items}, true
}

// item decodes the object at data[i] as an item of the group cf and
// returns the index after it. path is the path of the item's fields but
// for their IDs.
func (d *valuesDecoder) item(cf *cfield, step string, path fieldPath, i int) (Values, int) {
	data := d.data
	base := len(d.members)
	i = skipSpace(data, i+1)
	if data[i] != '}' {
		for {
			key, end := d.key(i)
			i = skipSpace(data, skipSpace(data, end)+1) // after ':'
			m := jsonMember{key: key, val: i}
			if data[i] == '"' {
				m.str = d.scan(i)
				i = m.str.end
			} else {
				i = skipValue(data, i)
			}
			d.members = append(d.members, m)
			i = skipSpace(data, i)
			if data[i] == '}' {
				break
			}
			i = skipSpace(data, i+1) // after ','
		}
	}
	// Members appended while decoding (by a group in a group, which Lint
	// rules out) go after ms and leave it alone.
	ms := uniqueMembers(d.members[base:])
	vs := make(Values, len(ms))
	for _, m := range ms {
		sf := subField(cf, m.key)
		if sf == nil {
			path.id = string(m.key)
			d.fail(step, path, "unknownField")
			continue
		}
		path.id = sf.field.ID
		if v, ok := d.value(sf, step, path, m); ok {
			vs[sf.field.ID] = v
		}
	}
	d.members = d.members[:base]
	return vs, i + 1
}

// subField returns the sub-field of cf with the given ID, or nil.
func subField(cf *cfield, id []byte) *cfield {
	for k := len(cf.sub) - 1; k >= 0; k-- { // the last one, as a map built in order would hold
		if cf.sub[k].field.ID == string(id) {
			return cf.sub[k]
		}
	}
	return nil
}

// scan scans the string at data[i] of a valid document.
func (d *valuesDecoder) scan(i int) strScan {
	end, esc, high, _ := scanString(d.data, i)
	return strScan{end: end, esc: esc, high: high}
}

// str returns the string at data[i], scanned as sc, unescaped.
func (d *valuesDecoder) str(i int, sc strScan) string {
	s := d.data[i+1 : sc.end-1]
	if sc.esc || sc.high && !utf8.Valid(s) {
		return unquote(s)
	}
	return string(s)
}

// text is str for the answer of a field: an option's value is shared with
// the option rather than copied.
func (d *valuesDecoder) text(cf *cfield, i int, sc strScan) string {
	s := d.data[i+1 : sc.end-1]
	if sc.esc || sc.high && !utf8.Valid(s) {
		return unquote(s)
	}
	if cf.options != nil {
		if k, ok := cf.options[string(s)]; ok {
			return cf.field.Options[k].Value
		}
	}
	return string(s)
}

// key is str for an object key: it returns the key's bytes in data, or
// unescaped in a new slice.
func (d *valuesDecoder) key(i int) ([]byte, int) {
	end, esc, high, _ := scanString(d.data, i)
	s := d.data[i+1 : end-1]
	if esc || high && !utf8.Valid(s) {
		return []byte(unquote(s)), end
	}
	return s, end
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// hasLiteral reports whether data[i:] starts with lit.
func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// scanString scans the JSON string whose opening quote is at data[i],
// validating its escapes and rejecting raw control characters. It returns
// the index after the closing quote, whether the string has escapes and
// whether it has non-ASCII bytes (both false means its bytes are its
// content), and whether it is valid.
func scanString(data []byte, i int) (end int, esc, high, ok bool) {
	var hi uint64
	j := i + 1
	for {
		// Skip 8 bytes at a time up to a quote, a backslash or a control
		// character (the lowest match bit is exact); hi collects the high
		// bits of the bytes skipped.
		for j+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[j:])
			if m := bytesBelow(x, 0x20) | bytesEqual(x, '"') | bytesEqual(x, '\\'); m != 0 {
				k := bits.TrailingZeros64(m) >> 3
				hi |= x & (1<<(8*k) - 1)
				j += k
				break
			}
			hi |= x
			j += 8
		}
		if j >= len(data) {
			return j, false, false, false
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, esc, hi&msbs != 0, true
		case c == '\\':
			esc = true
			if j+1 >= len(data) {
				return j, false, false, false
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if len(data)-j < 6 || hex4(data[j+2:j+6]) < 0 {
					return j, false, false, false
				}
				j += 6
			default:
				return j, false, false, false
			}
		case c < 0x20:
			return j, false, false, false
		default:
			hi |= uint64(c) << 56
			j++
		}
	}
}

// hex4 returns the value of four hex digits, or -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	return hex4(s[2:6])
}

// unquote returns the content of a valid JSON string (between its
// quotes) unescaped as encoding/json does: a lone or invalid surrogate
// escape and each byte of invalid UTF-8 become U+FFFD.
func unquote(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			k = len(s)
		}
		writeValidUTF8(&b, s[:k])
		if s = s[k:]; len(s) < 2 {
			break // the end, or a lone backslash (not in a valid string)
		}
		switch e := s[1]; e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := getu4(s)
			if r < 0 {
				return b.String() // not in a valid string
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if pair := utf16.DecodeRune(r, getu4(s)); pair != unicode.ReplacementChar {
					r = pair
					s = s[6:]
				} else {
					r = unicode.ReplacementChar
				}
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\' or '/'
			b.WriteByte(e)
		}
		s = s[2:]
	}
	return b.String()
}

// writeValidUTF8 writes s to b with each byte of invalid UTF-8 as U+FFFD.
func writeValidUTF8(b *strings.Builder, s []byte) {
	if utf8.Valid(s) {
		b.Write(s)
		return
	}
	start := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.Write(s[start:i])
			b.WriteString("\uFFFD")
			start = i + 1
		}
		i += size
	}
	b.Write(s[start:])
}

// numberEnd returns the index after the number at data[i] of a valid
// document.
func numberEnd(data []byte, i int) int {
	for i < len(data) {
		switch c := data[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			return i
		}
	}
	return i
}

// scanNumber validates the JSON number at data[i] and returns the index
// after it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(data []byte, i int) (int, bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return i, false
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// skipValid validates the value at data[i] (after white space), nested in
// depth objects and arrays, and returns the index after it. It keeps the
// kinds of the objects and arrays it is in as a bit stack, so hostile
// nesting costs no recursion.
func skipValid(data []byte, i, depth int) (int, bool) {
	var buf [2]uint64
	open := buf[:] // bit n is set when the n-th open container is an object
	n := 0         // containers open here
	var ok bool
	for {
		// A value starts at i.
		if i >= len(data) {
			return i, false
		}
		switch c := data[i]; c {
		case '{', '[':
			if depth+n >= maxJSONDepth {
				return i, false
			}
			if n>>6 == len(open) {
				open = append(open, 0)
			}
			if c == '{' {
				open[n>>6] |= 1 << (n & 63)
			} else {
				open[n>>6] &^= 1 << (n & 63)
			}
			n++
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' or ']'
				i++
				n--
				break
			}
			if c == '{' {
				if i, ok = validKey(data, i); !ok {
					return i, false
				}
			}
			continue // to the first value
		case '"':
			if i, _, _, ok = scanString(data, i); !ok {
				return i, false
			}
		case 't':
			if !hasLiteral(data, i, "true") {
				return i, false
			}
			i += len("true")
		case 'f':
			if !hasLiteral(data, i, "false") {
				return i, false
			}
			i += len("false")
		case 'n':
			if !hasLiteral(data, i, "null") {
				return i, false
			}
			i += len("null")
		default:
			if i, ok = scanNumber(data, i); !ok {
				return i, false
			}
		}
		// After a value: close containers until one has a next value.
		for {
			if n == 0 {
				return i, true
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return i, false
			}
			object := open[(n-1)>>6]>>((n-1)&63)&1 == 1
			c := data[i]
			if c == ',' {
				i = skipSpace(data, i+1)
				if object {
					if i, ok = validKey(data, i); !ok {
						return i, false
					}
				}
				break
			}
			if object && c != '}' || !object && c != ']' {
				return i, false
			}
			i++
			n--
		}
	}
}

// validKey validates an object key and the colon after it, and returns the
// index of the member's value.
func validKey(data []byte, i int) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	i, _, _, ok := scanString(data, i)
	if !ok {
		return i, false
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, false
	}
	return skipSpace(data, i+1), true
}

// skipValue returns the index after the value at data[i] of a valid
// document.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		end, _, _, _ := scanString(data, i)
		return end
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i, _, _, _ = scanString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) { // a number or a literal
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

package form

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxValuesSize caps a values document accepted by DecodeJSON.
const MaxValuesSize = 4 << 20

// MarshalJSON returns the canonical encoding of vs: an object with keys in
// byte order, no insignificant white space, integers and decimals as JSON
// numbers in canonical form, dates as "YYYY-MM-DD", multichoice selections
// as arrays of strings, files as objects with sorted keys and groups as
// arrays of objects. Equal Values always encode to the same bytes: the
// digest of a submitted record is computed over this encoding.
func (vs Values) MarshalJSON() ([]byte, error) {
	return vs.AppendCanonical(nil), nil
}

// AppendCanonical appends the canonical encoding of vs to dst.
func (vs Values) AppendCanonical(dst []byte) []byte {
	keys := make([]string, 0, len(vs))
	for k, v := range vs {
		if v.kind != KindNone {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = vs[k].appendCanonical(dst)
	}
	return append(dst, '}')
}

func (v Value) appendCanonical(dst []byte) []byte {
	switch v.kind {
	case KindText, KindDate:
		return appendString(dst, v.s)
	case KindInt:
		return strconv.AppendInt(dst, v.n, 10)
	case KindDecimal:
		return append(dst, v.s...)
	case KindBool:
		return strconv.AppendBool(dst, v.n == 1)
	case KindList:
		dst = append(dst, '[')
		for i, s := range v.list {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']')
	case KindFiles:
		dst = append(dst, '[')
		for i, f := range v.files {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"contentType":`...)
			dst = appendString(dst, f.ContentType)
			dst = append(dst, `,"id":`...)
			dst = appendString(dst, f.ID)
			dst = append(dst, `,"name":`...)
			dst = appendString(dst, f.Name)
			dst = append(dst, `,"sha256":`...)
			dst = appendString(dst, f.SHA256)
			dst = append(dst, `,"size":`...)
			dst = strconv.AppendInt(dst, f.Size, 10)
			dst = append(dst, '}')
		}
		return append(dst, ']')
	case KindGroup:
		dst = append(dst, '[')
		for i, it := range v.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = it.AppendCanonical(dst)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: only '"', '\\' and control
// characters are escaped (\n, \r, \t and \u00XX), plus U+2028 and U+2029;
// invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	if !scanText(s, false).escape {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// DecodeJSON decodes a values document (an object of field IDs, as
// produced by Values.MarshalJSON) using the field types of f. Numbers and
// booleans may also be given as strings. It returns the values and nil, or
// the values it could decode and a *ValidationError listing unknown fields
// and values of the wrong JSON type. Input over MaxValuesSize yields an
// error wrapping ErrTooLarge.
func DecodeJSON(f *Form, data []byte) (Values, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	if len(data) > MaxValuesSize {
		return nil, fmt.Errorf("form: values of %d bytes (max %d): %w", len(data), MaxValuesSize, ErrTooLarge)
	}
	return decodeValues(c, data)
}

// sortByOptions orders selected options as the form lists them (unknown
// values last, in input order), so equal selections encode equally.
func sortByOptions(sel []string, options map[string]int) []string {
	slices.SortStableFunc(sel, func(a, b string) int {
		ia, oka := options[a]
		ib, okb := options[b]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return sel
}

// DecodeForm decodes the fields of one step from an HTML form post. Field
// names are field IDs; sub-fields of a repeating group are named
// "group[i].field" (i from 0; items whose sub-fields are all empty are
// dropped). A multichoice field may repeat its name. An unchecked checkbox
// is absent from a post and decodes as false. File fields are not read from
// posts (attachments are uploaded separately) and other names (such as a
// CSRF token) are ignored. Text that does not convert to its field's type
// is kept as text for validation to report, so nothing typed is lost.
func DecodeForm(f *Form, stepID string, post url.Values) (Values, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	i, ok := c.stepIndex[stepID]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownStep, stepID)
	}
	out := Values{}
	for _, cf := range c.steps[i].fields {
		if v, ok := formValue(cf, cf.field.ID, post); ok {
			out[cf.field.ID] = v
		}
	}
	return out, nil
}

func formValue(cf *cfield, name string, post url.Values) (Value, bool) {
	f := cf.field
	switch f.Type.Kind() {
	case KindNone, KindFiles:
		return Value{}, false
	case KindBool:
		v, _ := coerce(String(post.Get(name)), KindBool)
		if v.kind != KindBool {
			v = Bool(post.Get(name) != "")
		}
		return v, true
	case KindList:
		sel := slices.Clone(post[name])
		sel = slices.DeleteFunc(sel, func(s string) bool { return s == "" })
		if len(sel) > HardMaxItems {
			sel = sel[:HardMaxItems+1] // keep enough for validation to report maxItems
		}
		return Value{kind: KindList, list: sortByOptions(sel, cf.options)}, true
	case KindGroup:
		return groupValue(cf, name, post)
	}
	raw, ok := post[name]
	if !ok || len(raw) == 0 {
		return Value{}, false
	}
	s := raw[0]
	if v, ok := coerce(String(s), f.Type.Kind()); ok {
		return v, true
	}
	return String(s), true
}

func groupValue(cf *cfield, name string, post url.Values) (Value, bool) {
	prefix := name + "["
	maxIndex := -1
	for k := range post {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, _, ok := strings.Cut(rest, "]")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || n > HardMaxItems {
			continue
		}
		maxIndex = max(maxIndex, n)
	}
	var items []Values
	for i := 0; i <= maxIndex; i++ {
		item := Values{}
		empty := true
		for _, sf := range cf.sub {
			v, ok := formValue(sf, name+"["+strconv.Itoa(i)+"]."+sf.field.ID, post)
			if !ok {
				continue
			}
			if v.isSet() {
				empty = false
			}
			item[sf.field.ID] = v
		}
		if !empty {
			items = append(items, item)
		}
	}
	return Group(items...), true
}

// WithStep returns a copy of all with the answers of one step replaced by
// step (as DecodeForm returns them). File answers of that step are kept
// from all, since posts do not carry them.
func (f *Form) WithStep(all Values, stepID string, step Values) (Values, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	i, ok := c.stepIndex[stepID]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownStep, stepID)
	}
	out := all.Clone()
	if out == nil {
		out = Values{}
	}
	for _, cf := range c.steps[i].fields {
		if cf.field.Type == TypeFile {
			continue
		}
		if v, ok := step[cf.field.ID]; ok {
			out[cf.field.ID] = v.clone()
		} else {
			delete(out, cf.field.ID)
		}
	}
	return out, nil
}

// Prefill returns a copy of values with every field that names a prefill
// source and has no answer yet set from lookup (e.g. the logged-in
// person's personnummer and name from their e-ID).
func (f *Form) Prefill(values Values, lookup func(PrefillSource) (string, bool)) (Values, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	out := values.Clone()
	if out == nil {
		out = Values{}
	}
	for _, cs := range c.steps {
		for _, cf := range cs.fields {
			if cf.field.Prefill == "" || out[cf.field.ID].isSet() {
				continue
			}
			if s, ok := lookup(cf.field.Prefill); ok && s != "" {
				out[cf.field.ID] = String(s)
			}
		}
	}
	return out, nil
}

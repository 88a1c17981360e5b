package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The hand-written parser of DecodeJSON (jsondecode.go) must decode every
// document exactly as the encoding/json implementation it replaced: these
// tests run both on the same input and compare values and errors. The only
// difference is the documented one: the old json.Decoder accepted a '}' or
// ']' (and anything after it) after the top-level value.

// DecodeJSONStd is the reference implementation, for BenchmarkDecodeJSON
// in package form_test.
var DecodeJSONStd = decodeJSONStd

// decodeJSONStd is DecodeJSON as it was before jsondecode.go, unchanged
// but for names and the split in two (for TestDecodeNestedGroups).
func decodeJSONStd(f *Form, data []byte) (Values, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	if len(data) > MaxValuesSize {
		return nil, fmt.Errorf("form: values of %d bytes (max %d): %w", len(data), MaxValuesSize, ErrTooLarge)
	}
	return decodeValuesStd(c, data)
}

func decodeValuesStd(c *compiled, data []byte) (Values, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, &ValidationError{Fields: []FieldError{{Code: "json", Message: T("Svaren är inte giltig JSON.", "The answers are not valid JSON.")}}}
	}
	if dec.More() {
		return nil, &ValidationError{Fields: []FieldError{{Code: "json", Message: T("Svaren är inte giltig JSON.", "The answers are not valid JSON.")}}}
	}
	d := stdDecoder{}
	out := make(Values, len(raw))
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		cf, ok := c.fields[k]
		if !ok {
			d.fail("", k, "unknownField")
			continue
		}
		if v, ok := d.value(cf, cf.step, k, raw[k]); ok {
			out[k] = v
		}
	}
	if len(d.errs) > 0 {
		return out, &ValidationError{Fields: d.errs}
	}
	return out, nil
}

type stdDecoder struct{ errs []FieldError }

func (d *stdDecoder) fail(step, path, code string) {
	d.errs = append(d.errs, FieldError{Step: step, Field: path, Code: code, Message: message(code, nil)})
}

func (d *stdDecoder) value(cf *cfield, step, path string, raw json.RawMessage) (Value, bool) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return Value{}, false
	}
	kind := cf.field.Type.Kind()
	var x any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if kind != KindGroup {
		if err := dec.Decode(&x); err != nil {
			d.fail(step, path, "type")
			return Value{}, false
		}
	}
	switch kind {
	case KindNone:
		d.fail(step, path, "notAllowed")
		return Value{}, false
	case KindText, KindDate:
		switch t := x.(type) {
		case string:
			if kind == KindDate {
				if v, ok := coerce(String(t), KindDate); ok {
					return v, true
				}
			}
			return String(t), true
		case json.Number:
			return String(t.String()), true
		}
	case KindInt, KindDecimal:
		switch t := x.(type) {
		case json.Number:
			if v, ok := coerce(String(t.String()), kind); ok {
				return v, true
			}
			return String(t.String()), true // kept; validation reports it
		case bool:
			return String(strconv.FormatBool(t)), true // kept; validation reports it
		case string:
			if v, ok := coerce(String(t), kind); ok {
				return v, true
			}
			return String(t), true // kept; validation reports it
		}
	case KindBool:
		switch t := x.(type) {
		case bool:
			return Bool(t), true
		case string:
			if v, ok := coerce(String(t), KindBool); ok {
				return v, true
			}
		}
	case KindList:
		if l, ok := x.([]any); ok {
			out := make([]string, 0, len(l))
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					d.fail(step, path, "type")
					return Value{}, false
				}
				out = append(out, s)
			}
			return Value{kind: KindList, list: sortByOptions(out, cf.options)}, true
		}
		if s, ok := x.(string); ok {
			return List(s), true
		}
	case KindFiles:
		var refs []FileRef
		if err := json.Unmarshal(raw, &refs); err == nil {
			return Files(refs...), true
		}
	case KindGroup:
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			break
		}
		if len(items) > HardMaxItems {
			d.fail(step, path, "maxItems")
			return Value{}, false
		}
		subs := make(map[string]*cfield, len(cf.sub))
		for _, s := range cf.sub {
			subs[s.field.ID] = s
		}
		out := make([]Values, 0, len(items))
		for i, item := range items {
			vs := make(Values, len(item))
			for _, k := range slices.Sorted(maps.Keys(item)) {
				sp := path + "[" + strconv.Itoa(i) + "]." + k
				sf, ok := subs[k]
				if !ok {
					d.fail(step, sp, "unknownField")
					continue
				}
				if v, ok := d.value(sf, step, sp, item[k]); ok {
					vs[k] = v
				}
			}
			out = append(out, vs)
		}
		return Group(out...), true
	}
	d.fail(step, path, "type")
	return Value{}, false
}

func diffOpt(v string) Option { return Option{Value: v, Label: T(v, v)} }

// diffForm has a field of every type, over two steps, and a group with a
// sub-field of every type a group may hold.
func diffForm() *Form {
	label := T("Fält", "Field")
	opts := []Option{diffOpt("c"), diffOpt("a"), diffOpt("b")}
	sub := []Field{
		{ID: "gt", Type: TypeText, Label: label},
		{ID: "gi", Type: TypeInteger, Label: label},
		{ID: "gdec", Type: TypeDecimal, Label: label},
		{ID: "gd", Type: TypeDate, Label: label},
		{ID: "gch", Type: TypeChoice, Label: label, Options: opts},
		{ID: "gm", Type: TypeMultiChoice, Label: label, Options: opts},
		{ID: "gb", Type: TypeBoolean, Label: label},
		{ID: "gf", Type: TypeFile, Label: label, Accept: []string{"application/pdf"}},
		{ID: "ginfo", Type: TypeInfo, Label: label},
	}
	return &Form{
		ID: "diff", Version: 1, Title: T("Test", "Test"), Audience: []Audience{AudiencePerson},
		Steps: []Step{
			{ID: "s1", Title: T("Ett", "One"), Fields: []Field{
				{ID: "t", Type: TypeText, Label: label},
				{ID: "ta", Type: TypeTextarea, Label: label},
				{ID: "em", Type: TypeEmail, Label: label},
				{ID: "ph", Type: TypePhone, Label: label},
				{ID: "pn", Type: TypePersonnummer, Label: label},
				{ID: "on", Type: TypeOrganisationsnummer, Label: label},
				{ID: "zip", Type: TypePostnummer, Label: label},
				{ID: "i", Type: TypeInteger, Label: label},
				{ID: "dec", Type: TypeDecimal, Label: label},
				{ID: "d", Type: TypeDate, Label: label},
			}},
			{ID: "s2", Title: T("Två", "Two"), Fields: []Field{
				{ID: "ch", Type: TypeChoice, Label: label, Options: opts},
				{ID: "mc", Type: TypeMultiChoice, Label: label, Options: opts},
				{ID: "b", Type: TypeBoolean, Label: label},
				{ID: "f", Type: TypeFile, Label: label, Accept: []string{"application/pdf", "image/*"}, MaxFiles: 3},
				{ID: "info", Type: TypeInfo, Label: label},
				{ID: "g", Type: TypeGroup, Label: label, Fields: sub},
			}},
		},
	}
}

// stdTrailingQuirk reports whether the json.Decoder of the old code read a
// first value followed by '}' or ']': Decoder.More said no more values, so
// the old code ignored the rest, where the new parser rejects it.
func stdTrailingQuirk(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if dec.Decode(&raw) != nil {
		return false
	}
	rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")
	return len(rest) > 0 && (rest[0] == '}' || rest[0] == ']')
}

func isJSONError(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve) && reflect.DeepEqual(ve.Fields, []FieldError{{Code: "json", Message: T("Svaren är inte giltig JSON.", "The answers are not valid JSON.")}})
}

// checkSameDecode fails unless DecodeJSON and decodeJSONStd agree on data.
func checkSameDecode(t testing.TB, f *Form, data []byte) {
	t.Helper()
	got, gotErr := DecodeJSON(f, data)
	if stdTrailingQuirk(data) {
		if got != nil || !isJSONError(gotErr) {
			t.Fatalf("%q: a '}' or ']' after the value: got %#v, %v; want the json error", data, got, gotErr)
		}
		return
	}
	want, wantErr := decodeJSONStd(f, data)
	checkSameResult(t, data, got, gotErr, want, wantErr)
}

func checkSameResult(t testing.TB, data []byte, got Values, gotErr error, want Values, wantErr error) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: values differ\n got: %#v\nwant: %#v", data, got, want)
	}
	switch {
	case gotErr == nil && wantErr == nil:
	case errors.Is(wantErr, ErrTooLarge):
		if !errors.Is(gotErr, ErrTooLarge) {
			t.Fatalf("%q: got error %v, want %v", data, gotErr, wantErr)
		}
	default:
		var g, w *ValidationError
		if !errors.As(gotErr, &g) || !errors.As(wantErr, &w) || !reflect.DeepEqual(g.Fields, w.Fields) {
			t.Fatalf("%q: errors differ\n got: %#v\nwant: %#v", data, gotErr, wantErr)
		}
	}
}

// jsonSamples are values of every JSON type and the shapes the kinds care
// about, for every field and sub-field of diffForm.
var jsonSamples = []string{
	`null`, `true`, `false`, ` null `,
	`0`, `-0`, `12`, `-12`, `1.5`, `1.50`, `-0.0`, `0.10`, `1e3`, `1E+3`, `-1.5e-3`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775808`, `-9223372036854775809`, `123456789012345678`, `1234567890123456789`, `12345678901234567890123456789012345`,
	`0.000000000000000000000000000001`, `1234567890123456789012345678901`, `123456789012345678901234567890`,
	`""`, `"x"`, `" 42 "`, `"1 234"`, `"−5"`, `"12,50"`, `"1.5"`, `"2026-12-01"`, `" 2026-12-01 "`, `"2026-02-30"`, `"0000-01-01"`,
	`"ja"`, `"NEJ"`, `"on"`, `"yes"`, `"2"`, `"true"`, `"a"`, `"c"`, `"zz"`, `"\u0061"`, `"\ud83d\ude00"`, `"\ud800"`, `"\xff"`,
	`[]`, `["a"]`, `["b","a","zz","c","a"]`, `["\u0062", "x\ny"]`, `[1]`, `["a",1]`, `[null]`, `["a",null]`, `[true]`, `[[]]`, `[{}]`, `["a",["b"]]`,
	`{}`, `{"a":1}`, `{"id":"x"}`,
	`[{}]`, `[null]`, `[null,{}]`, `[{"id":"a","name":"n.pdf","contentType":"application/pdf","size":12,"sha256":"00"}]`,
	`[{"ID":"a","NAME":"b","CONTENTTYPE":"c","SIZE":1,"SHA256":"d"}]`, `[{"Id":"a","iD":"b"}]`,
	`[{"\u212a":1,"\u017fize":5,"ſha256":"x","contentType":"c","other":[1,{"a":null}]}]`, `[{"İd":"x","ıd":"y","id\u0000":"z"}]`,
	`[{"id":"a","id":null}]`, `[{"size":3,"size":null}]`, `[{"size":null}]`, `[{"id":null}]`, `[{"size":1.5}]`, `[{"size":1e3}]`, `[{"size":-0}]`,
	`[{"size":"3"}]`, `[{"size":true}]`, `[{"size":9223372036854775808}]`, `[{"id":1}]`, `[{"id":true}]`, `[{"id":[]}]`, `[{"id":{}}]`,
	`[{"name":"\ud800x\udc00"}]`, `[1]`, `["x"]`, `[[]]`, `[true]`, `[{},1]`, `[{"id":"a"},"b"]`,
	`[{"gt":"x","gi":"7","gdec":"1,50","gd":"2026-01-01","gch":"a","gm":["b","c"],"gb":"ja","gf":[{"id":"f"}],"ginfo":null}]`,
	`[{"gt":null,"gi":null,"zz":null},null,{}]`, `[{"zz":1,"gt":2,"aa":3}]`, `[{"gt":"a","gt":"b"},{"gi":1,"gi":null}]`,
	`[{"ginfo":"x","gm":[1],"gb":1,"gf":{},"gt":[]}]`, `[{"gt":"x"},7]`,
}

// diffCases are hand-picked documents for diffForm.
func diffCases() []string {
	docs := []string{
		// Documents that are not objects, and invalid JSON.
		``, ` `, "\n\t\r ", `null`, ` null `, `nul`, `nulll`, `null x`, `null null`, `true`, `1`, `"x"`, `[]`, `[{}]`,
		`{`, `}`, `{]`, `{"t"}`, `{"t":}`, `{"t":1,}`, `{,"t":1}`, `{"t" 1}`, `{t:1}`, `{'t':1}`, `{"t":1 "i":2}`, `{"t":01}`,
		`{"t":1.}`, `{"t":.5}`, `{"t":+1}`, `{"t":1e}`, `{"t":1e+}`, `{"t":-}`, `{"t":--1}`, `{"t":0x10}`, `{"t":NaN}`,
		`{"t":Infinity}`, `{"t":tru}`, `{"t":True}`, `{"t":nul}`, `{"t":"a`, `{"t":"a\"}`, `{"t":"\x"}`, `{"t":"\u12"}`,
		`{"t":"\u12G4"}`, `{"t":"\'"}`, "{\"t\":\"a\tb\"}", "{\"t\":\"a\x00b\"}", "{\"t\":\"a\x1fb\"}", "{\"t\":\"a\x7fb\"}",
		"\ufeff{}", "{}\x00", `{}x`, `{} {}`, `{}{}`, `{} null`, `{"t":1}}`, `{}]`, `{} ] x`, `null }`, `null]`, `{"t":[1}`,
		`{"t":{"a":1]}`, `{"t":[1,]}`, `{"t":[,1]}`, `{"t":{"a"}}`, `{"t":{1:2}}`, "{\"t\":1\v}", "{\"t\":1\f}", "{\"t\"\u00a0:1}",
		`{"t":[1 2]}`, `{"t":"x""y"}`, `{"t":"x"1}`, `{"":1}`, `{"\u0000":1}`,
		// Empty, white space, duplicates, order.
		`{}`, ` { } `, "\r\n{\t\"t\" :\n\"x\" ,\r\"i\"\t: 1 }\n", `{"t":"a","t":"b"}`, `{"t":"a","t":null}`, `{"t":null,"t":"a"}`,
		`{"t":"a","\u0074":"b"}`, `{"\u0074":"a","t":"b"}`, `{"zz":1,"t":"x","aa":2,"i":"y","zz":3}`, `{"t":1,"i":[],"ch":{},"b":3}`,
		"{\"\xff\":1,\"\xfe\":2}", "{\"a\xffb\":1}", `{"\ud800":1,"\udc00":2}`, `{"T":"x","I":1}`,
		// Strings: escapes, surrogates, invalid UTF-8.
		`{"t":"\"\\\/\b\f\n\r\t"}`, `{"t":"\u00e5\u00E4\u00f6 \u0000 \u001f \u007f \u2028"}`, `{"t":"\ud83d\ude00"}`,
		`{"t":"\ud83d"}`, `{"t":"\ude00"}`, `{"t":"\ude00\ud83d"}`, `{"t":"\ud83d\ud83d\ude00"}`, `{"t":"\ud83dx"}`, `{"t":"\ud83d\u0041"}`,
		`{"t":"\ud83d\"}`, `{"t":"\ud83d\n"}`, `{"t":"a\ud83d"}`, `{"t":"\uD83D\uDE00\uDBFF\uDFFF\uDC00\uD800"}`, `{"t":"\uffff\ufffe\ufffd"}`,
		"{\"t\":\"\xff\"}", "{\"t\":\"a\xc3\"}", "{\"t\":\"\xc3\xa5\xe2\x82\"}", "{\"t\":\"\xed\xa0\x80\"}", "{\"t\":\"\xef\xbf\xbd\"}",
		"{\"t\":\"\xf4\x90\x80\x80\"}", "{\"t\":\"\xc0\xaf\"}", "{\"t\":\"åäö \xff \\n\"}", "{\"ta\":\"" + strings.Repeat("Åsa ", 40) + "\xff\"}",
		"{\"t\":\"12345678\xff\"}", "{\"t\":\"1234567\\\"\"}", "{\"t\":\"12345678\\\\\"}", "{\"t\":\"ab\xffcdefgh\"}",
		// Nulls everywhere.
		`{"t":null,"i":null,"dec":null,"d":null,"ch":null,"mc":null,"b":null,"f":null,"info":null,"g":null,"zz":null}`,
		`{"f":[null],"g":[null],"mc":[null]}`, `{"g":[{"gt":null,"gf":[null,{"id":null}],"gm":null}]}`,
		// Info fields, unknown fields.
		`{"info":"x"}`, `{"info":1}`, `{"info":[]}`, `{"info":{}}`, `{"info":false}`, `{"g":[{"ginfo":0}]}`,
		`{"shoe":1}`, `{"g":[{"shoe":1,"gt":"x"}],"t":"y"}`, `{"g":[{"g":[]}]}`,
		// Groups.
		`{"g":[]}`, `{"g":{}}`, `{"g":"x"}`, `{"g":[[]]}`, `{"g":[{},[]]}`, `{"g":[{"gt":1},{"gt":[]},{"zz":1}]}`,
		`{"g":[{"gt":"a"},{"gt":{"x":[1,2,{"y":null}]}},{"gi":"1 234"}]}`, `{"g":[{"gi":[]},5]}`,
		// Multichoice order, files.
		`{"mc":["b","c","zz","a","yy"]}`, `{"mc":"b"}`, `{"mc":""}`, `{"mc":[]}`, `{"mc":["a","a"]}`,
		`{"f":[{"id":"a","name":"x.pdf","contentType":"application/pdf","size":1,"sha256":"ab"},{"id":"b"}]}`,
		`{"f":[]}`, `{"f":{}}`, `{"f":"x"}`, `{"f":[{"size":-1}]}`,
		// Numbers as text, decimals, dates, booleans.
		`{"t":-1.5e+10,"ta":0,"i":"  12 ","dec":"1 234,50","d":20261201,"b":"Ja","ch":1}`, `{"d":" 2026-12-01"}`, `{"d":"2026-1-1"}`,
		`{"dec":100,"i":100.0}`, `{"dec":-0.0001}`, `{"dec":1.10,"i":-0}`, `{"b":"maybe"}`, `{"b":0}`, `{"b":[]}`, `{"b":" off "}`,
	}
	// Every kind with every sample, at the top level and in a group item.
	f := diffForm()
	c, _ := f.compile()
	ids := slices.Sorted(maps.Keys(c.fields))
	for _, s := range jsonSamples {
		for _, id := range ids {
			docs = append(docs, `{"`+id+`":`+s+`}`)
		}
		for _, sf := range c.fields["g"].sub {
			docs = append(docs, `{"g":[{"`+sf.field.ID+`":`+s+`}]}`)
		}
	}
	// Nesting: 10000 levels (the top-level object is one) are allowed.
	deep := func(prefix string, n int, open, close string) string {
		return prefix + strings.Repeat(open, n) + strings.Repeat(close, n) + "}"
	}
	for _, n := range []int{9998, 9999, 10000, 20000} {
		docs = append(docs, deep(`{"zz":`, n, "[", "]"), deep(`{"t":`, n, "[", "]"), deep(`{"g":`, n, "[", "]"),
			deep(`{"mc":`, n, "[", "]"), deep(`{"f":`, n, "[", "]"))
		docs = append(docs, `{"zz":`+strings.Repeat(`{"a":`, n)+"1"+strings.Repeat("}", n)+"}")
		docs = append(docs, `{"g":[{"gt":`+strings.Repeat(`[`, n)+strings.Repeat("]", n)+"}]}")
	}
	// More than HardMaxItems items, and a wrong element after them.
	items := strings.Repeat(`{"gt":1},`, HardMaxItems)
	docs = append(docs, `{"g":[`+items+`null]}`, `{"g":[`+items+`1]}`, `{"g":[`+items[:len(items)-1]+`]}`)
	return docs
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	f := diffForm()
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	for i, doc := range diffCases() {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			checkSameDecode(t, f, []byte(doc))
		})
	}
}

// The differential test must be able to fail: these documents decode
// differently on purpose.
func TestDecodeJSONDifferentialCanFail(t *testing.T) {
	t.Parallel()
	f := diffForm()
	for _, doc := range []string{`{"t":"x"} }`, `{}]`, `null }`} {
		got, err := DecodeJSON(f, []byte(doc))
		if got != nil || !isJSONError(err) {
			t.Errorf("%q: got %#v, %v; want the json error for data after the value", doc, got, err)
		}
		want, err := decodeJSONStd(f, []byte(doc))
		if err != nil || want == nil {
			t.Errorf("%q: the old decoder should accept it: %#v, %v", doc, want, err)
		}
	}
	ft := &failRecorder{}
	checkSameResult(ft, nil, Values{"a": String("x")}, nil, Values{"a": String("y")}, nil)
	checkSameResult(ft, nil, Values{"l": {kind: KindList, list: []string{}}}, nil, Values{"l": {kind: KindList}}, nil)
	checkSameResult(ft, nil, nil, &ValidationError{Fields: []FieldError{{Code: "type"}}}, nil, &ValidationError{Fields: []FieldError{{Code: "json"}}})
	checkSameResult(ft, nil, nil, nil, nil, &ValidationError{})
	if ft.fails != 4 {
		t.Errorf("checkSameResult failed %d of 4 times", ft.fails)
	}
}

// failRecorder is a testing.TB that counts failures.
type failRecorder struct {
	testing.TB
	fails int
}

func (r *failRecorder) Helper()               {}
func (r *failRecorder) Fatalf(string, ...any) { r.fails++ }

// TestDecodeNestedGroups decodes groups in groups, and a group with two
// sub-fields of one ID, which Lint rules out, so that the parser's code for
// them is right too.
func TestDecodeNestedGroups(t *testing.T) {
	t.Parallel()
	label := T("Fält", "Field")
	outer := &Field{ID: "o", Type: TypeGroup, Label: label, Fields: []Field{
		{ID: "x", Type: TypeText, Label: label},
		{ID: "in", Type: TypeGroup, Label: label, Fields: []Field{
			{ID: "n", Type: TypeInteger, Label: label},
			{ID: "n", Type: TypeBoolean, Label: label},
			{ID: "deep", Type: TypeGroup, Label: label, Fields: []Field{{ID: "y", Type: TypeDate, Label: label}}},
		}},
	}}
	c := &compiled{fields: map[string]*cfield{"o": compileField(outer, "s")}}
	for _, doc := range []string{
		`{"o":[{"x":"a","in":[{"n":"ja"},{"n":1,"zz":2},null,{"deep":[{"y":"2026-01-01","q":1},{"y":[]}]}]},{"in":3}]}`,
		`{"o":[{"in":[{"deep":[{},{"y":5}],"n":true}],"x":"b"},{"in":[{"zz":1}]}],"p":1}`,
		`{"o":[{"in":[{"deep":7}]},{"in":[{"deep":[1]}]},{"in":[{"n":{}}]}]}`,
	} {
		got, gotErr := decodeValues(c, []byte(doc))
		want, wantErr := decodeValuesStd(c, []byte(doc))
		checkSameResult(t, []byte(doc), got, gotErr, want, wantErr)
	}
}

func FuzzDecodeJSONDifferential(f *testing.F) {
	for _, doc := range diffCases() {
		f.Add([]byte(doc))
	}
	fm := diffForm()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameDecode(t, fm, data)
	})
}

// Callers wipe and reuse their buffers (the draft store does): nothing
// decoded may share memory with the input.
func TestDecodeJSONDoesNotAliasInput(t *testing.T) {
	t.Parallel()
	f := diffForm()
	doc := `{"t":"Åsa","ta":"rad 1\nrad 2","i":12,"dec":1.5,"d":"2026-12-01","ch":"a","mc":["b","zz"],` +
		`"f":[{"id":"f1","name":"intyg.pdf","contentType":"application/pdf","size":3,"sha256":"ab"}],"g":[{"gt":"x","gm":"yy"}],"zz":1}`
	data := []byte(doc)
	got, err := DecodeJSON(f, data)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "zz" {
		t.Fatalf("got error %v, want unknownField zz", err)
	}
	want, _ := decodeJSONStd(f, []byte(doc))
	clear(data)
	if !reflect.DeepEqual(got, want) || ve.Fields[0].Field != "zz" {
		t.Fatalf("values changed with the input:\n got: %#v\nwant: %#v", got, want)
	}
}

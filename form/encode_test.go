package form_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

func TestCanonicalEncoding(t *testing.T) {
	t.Parallel()
	d, err := form.Decimal("-0001 234,500")
	require.NoError(t, err)
	v := form.Values{
		"z":    form.String("tab\there \"quoted\" <b> å\u2028"),
		"a":    form.Int(-42),
		"m":    d,
		"bool": form.Bool(false),
		"list": form.List("b", "a"),
		"grp":  form.Group(form.Values{"y": form.Int(1), "x": form.String("")}),
		"file": form.Files(form.FileRef{ID: "f1", Name: "a.pdf", ContentType: "application/pdf", Size: 3, SHA256: "00"}),
		"none": {},
	}
	got, err := v.MarshalJSON()
	require.NoError(t, err)
	want := `{"a":-42,"bool":false,"file":[{"contentType":"application/pdf","id":"f1","name":"a.pdf","sha256":"00","size":3}],` +
		`"grp":[{"x":"","y":1}],"list":["b","a"],"m":-1234.5,"z":"tab\there \"quoted\" <b> å\u2028"}`
	require.Equal(t, want, string(got))
	// Deterministic regardless of map order.
	for range 20 {
		again, _ := v.Clone().MarshalJSON()
		require.Equal(t, got, again)
	}
}

func TestDecodeJSONRoundTrip(t *testing.T) {
	t.Parallel()
	f := testForm()
	v := validValues()
	v["role"] = form.String("passenger")
	v["kids"] = form.Group(form.Values{"kidName": form.String("Ida"), "kidAge": form.Int(7), "school": form.String("Ekskolan")})
	v["certificate"] = form.Files(form.FileRef{ID: "a1", Name: "intyg.pdf", ContentType: "application/pdf", Size: 10, SHA256: strings.Repeat("0", 64)})
	data, err := v.MarshalJSON()
	require.NoError(t, err)
	back, err := form.DecodeJSON(f, data)
	require.NoError(t, err)
	again, _ := back.MarshalJSON()
	require.Equal(t, string(data), string(again))
	require.True(t, back.Equal(v) || string(again) == string(data))
}

func TestDecodeJSONErrors(t *testing.T) {
	t.Parallel()
	f := testForm()
	tests := []struct {
		name string
		doc  string
		want []fieldCode
	}{
		{"not json", `{"name":`, []fieldCode{{"", "", "json"}}},
		{"trailing data", `{} {}`, []fieldCode{{"", "", "json"}}},
		{"unknown field", `{"shoe":"42"}`, []fieldCode{{"", "shoe", "unknownField"}}},
		{"unknown sub-field", `{"kids":[{"pet":"x"}]}`, []fieldCode{{"children", "kids[0].pet", "unknownField"}}},
		{"object for text", `{"name":{"x":1}}`, []fieldCode{{"applicant", "name", "type"}}},
		{"fraction for integer is kept for validation", `{"distance":1.5}`, nil},
		{"value for info", `{"info":"x"}`, []fieldCode{{"details", "info", "notAllowed"}}},
		{"list of numbers", `{"aids":[1]}`, []fieldCode{{"details", "aids", "type"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := form.DecodeJSON(f, []byte(tc.doc))
			require.Equal(t, tc.want, codes(err))
		})
	}
	_, err := form.DecodeJSON(f, make([]byte, form.MaxValuesSize+1))
	require.ErrorIs(t, err, form.ErrTooLarge)
}

func TestDecodeJSONKeepsRawInput(t *testing.T) {
	t.Parallel()
	f := testForm()
	v, err := form.DecodeJSON(f, []byte(`{"distance":"tolv","amount":"12,5","consent":"ja","from":"2026-12-01"}`))
	require.NoError(t, err)
	require.Equal(t, form.KindText, v["distance"].Kind(), "unconvertible text kept for validation to report")
	require.Equal(t, "tolv", v["distance"].Text())
	require.Equal(t, form.KindDecimal, v["amount"].Kind())
	require.True(t, v["consent"].Bool())
	require.Equal(t, form.KindDate, v["from"].Kind())
}

func TestDecodeForm(t *testing.T) {
	t.Parallel()
	f := testForm()
	post := url.Values{
		"role":     {"driver"},
		"distance": {"1 200"},
		"amount":   {"12,50"},
		"from":     {"2026-12-01"},
		"aids":     {"crutches", "rollator", ""},
		"story":    {"Text"},
		"csrf":     {"token"},
	}
	v, err := form.DecodeForm(f, "details", post)
	require.NoError(t, err)
	require.Equal(t, int64(1200), v["distance"].Int())
	require.Equal(t, "12.5", v["amount"].Text())
	require.Equal(t, []string{"rollator", "crutches"}, v["aids"].List(), "selections in option order")
	require.NotContains(t, v, "csrf")
	require.NotContains(t, v, "certificate", "files are not read from posts")

	post = url.Values{
		"kids[0].kidName": {"Ida"}, "kids[0].kidAge": {"7"},
		"kids[1].kidName": {""}, "kids[1].kidAge": {""},
		"kids[2].kidName":     {"Bo"},
		"kids[99999].kidName": {"ignored: index beyond the cap"},
		"kids[x].kidName":     {"ignored"},
	}
	v, err = form.DecodeForm(f, "children", post)
	require.NoError(t, err)
	items := v["kids"].Items()
	require.Len(t, items, 2, "empty items dropped")
	require.Equal(t, "Bo", items[1]["kidName"].Text())

	v, err = form.DecodeForm(f, "confirm", url.Values{})
	require.NoError(t, err)
	require.Equal(t, form.KindBool, v["consent"].Kind(), "an absent checkbox decodes as false")
	require.False(t, v["consent"].Bool())

	_, err = form.DecodeForm(f, "nope", url.Values{})
	require.ErrorIs(t, err, form.ErrUnknownStep)
}

func TestWithStepAndPrefill(t *testing.T) {
	t.Parallel()
	f := testForm()
	all := validValues()
	ref := form.FileRef{ID: "a1", Name: "x.pdf", ContentType: "application/pdf", Size: 1, SHA256: strings.Repeat("0", 64)}
	all["certificate"] = form.Files(ref)
	step := form.Values{"role": form.String("passenger")}
	merged, err := f.WithStep(all, "details", step)
	require.NoError(t, err)
	require.Equal(t, "passenger", merged["role"].Text())
	require.NotContains(t, merged, "distance", "fields of the step absent from the post are cleared")
	require.Equal(t, []form.FileRef{ref}, merged["certificate"].Files(), "files kept")
	require.Equal(t, "driver", all["role"].Text(), "input not modified")

	pf := testForm()
	pf.Steps[0].Fields[1].Prefill = form.PrefillPersonnummer
	pf.Steps[0].Fields[2].Prefill = form.PrefillEmail
	got, err := pf.Prefill(form.Values{"email": form.String("kept@example.se")}, func(s form.PrefillSource) (string, bool) {
		return map[form.PrefillSource]string{form.PrefillPersonnummer: "191212121212", form.PrefillEmail: "new@example.se"}[s], true
	})
	require.NoError(t, err)
	require.Equal(t, "191212121212", got["pnr"].Text())
	require.Equal(t, "kept@example.se", got["email"].Text(), "answers are not overwritten")
	r, err := pf.Check(context.Background(), got, &form.CheckOptions{Mode: form.Partial, Now: fixedNow})
	require.NoError(t, err)
	require.NoError(t, r.Err())
}

// FuzzCanonicalString: any text encodes to JSON that decodes back to the
// same text (invalid UTF-8 as U+FFFD), on the fast and the slow path.
func FuzzCanonicalString(f *testing.F) {
	for _, s := range []string{"", "plain", "åäö", "a\"b\\c", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "tab\tnl\n", "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := form.Values{"k": form.String(s)}.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encodes to invalid JSON %q: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back["k"] != want && utf8.ValidString(s) {
			t.Fatalf("%q round-trips to %q", s, back["k"])
		}
	})
}

package form_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

type fieldCode struct{ Step, Field, Code string }

func codes(err error) []fieldCode {
	var ve *form.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []fieldCode
	for _, f := range ve.Fields {
		out = append(out, fieldCode{f.Step, f.Field, f.Code})
	}
	return out
}

func check(t *testing.T, f *form.Form, v form.Values, opts *form.CheckOptions) *form.Result {
	t.Helper()
	if opts == nil {
		opts = &form.CheckOptions{}
	}
	opts.Now = fixedNow
	r, err := f.Check(context.Background(), v, opts)
	require.NoError(t, err)
	return r
}

func TestCheckValid(t *testing.T) {
	t.Parallel()
	r := check(t, testForm(), validValues(), nil)
	require.NoError(t, r.Err())
	require.Equal(t, "191212121212", r.Values["pnr"].Text(), "personnummer normalised to 12 digits")
	require.Equal(t, "123 45", r.Values["zip"].Text(), "postnummer normalised")
	require.Equal(t, "12.5", r.Values["amount"].Text(), "decimal canonical")
	require.NotContains(t, r.Values, "info", "info fields collect nothing")
	require.Equal(t, []string{"applicant", "details", "confirm"}, r.CompletedSteps())
	require.Equal(t, 100, r.Progress())
	require.False(t, r.Steps[2].Visible, "children step hidden for a driver")
}

func TestCheckFieldErrors(t *testing.T) {
	t.Parallel()
	file := func(ct string, size int64) form.FileRef {
		return form.FileRef{ID: "a1", Name: "intyg.pdf", ContentType: ct, Size: size, SHA256: strings.Repeat("ab", 32)}
	}
	tests := []struct {
		name string
		set  form.Values
		drop []string
		want []fieldCode
	}{
		{"required missing", nil, []string{"name"}, []fieldCode{{"applicant", "name", "required"}}},
		{"blank text is missing", form.Values{"name": form.String("   ")}, nil, []fieldCode{{"applicant", "name", "required"}}},
		{"too long", form.Values{"name": form.String(strings.Repeat("å", 51))}, nil, []fieldCode{{"applicant", "name", "maxLength"}}},
		{"control characters", form.Values{"name": form.String("a\x00b")}, nil, []fieldCode{{"applicant", "name", "invalidCharacters"}}},
		{"C1 control character", form.Values{"name": form.String("a\u0085b")}, nil, []fieldCode{{"applicant", "name", "invalidCharacters"}}},
		{"newline in one-line text", form.Values{"name": form.String("a\nb")}, nil, []fieldCode{{"applicant", "name", "invalidCharacters"}}},
		{"invalid UTF-8", form.Values{"name": form.String("a\xffb")}, nil, []fieldCode{{"applicant", "name", "invalidCharacters"}}},
		{"50 multibyte characters fit", form.Values{"name": form.String(strings.Repeat("å", 50))}, nil, nil},
		{"bad personnummer checksum", form.Values{"pnr": form.String("19121212-1213")}, nil, []fieldCode{{"applicant", "pnr", "personnummer"}}},
		{"bad email", form.Values{"email": form.String("tolvan@")}, nil, []fieldCode{{"applicant", "email", "email"}}},
		{"bad phone", form.Values{"phone": form.String("12345")}, nil, []fieldCode{{"applicant", "phone", "phone"}}},
		{"bad postnummer", form.Values{"zip": form.String("02345")}, nil, []fieldCode{{"applicant", "zip", "postnummer"}}},
		{"bad orgnr", form.Values{"orgnr": form.String("556016-0681")}, nil, []fieldCode{{"applicant", "orgnr", "organisationsnummer"}}},
		{"rule alphanum", form.Values{"code": form.String("SE-12")}, nil, []fieldCode{{"applicant", "code", "alphanum"}}},
		{"rule startswith", form.Values{"code": form.String("NO12")}, nil, []fieldCode{{"applicant", "code", "startswith"}}},
		{"choice not an option", form.Values{"role": form.String("pilot")}, nil, []fieldCode{{"details", "role", "choice"}}},
		{"integer from bad text", form.Values{"distance": form.String("tolv")}, nil, []fieldCode{{"details", "distance", "integer"}}},
		{"integer over max", form.Values{"distance": form.Int(5001)}, nil, []fieldCode{{"details", "distance", "max"}}},
		{"integer under min", form.Values{"distance": form.Int(-1)}, nil, []fieldCode{{"details", "distance", "min"}}},
		{"integer text coerced", form.Values{"distance": form.String(" 1 200 ")}, nil, nil},
		{"decimal over max", form.Values{"amount": form.String("1000,51")}, nil, []fieldCode{{"details", "amount", "max"}}},
		{"decimal bad", form.Values{"amount": form.String("12,5,1")}, nil, []fieldCode{{"details", "amount", "decimal"}}},
		{"date before today", form.Values{"from": form.String("2026-11-24")}, nil, []fieldCode{{"details", "from", "minDate"}}},
		{"date after today+1y", form.Values{"from": form.String("2027-11-26")}, nil, []fieldCode{{"details", "from", "maxDate"}}},
		{"date malformed", form.Values{"from": form.String("24/12/2026")}, nil, []fieldCode{{"details", "from", "date"}}},
		{"multichoice unknown option", form.Values{"aids": form.List("jetpack")}, nil, []fieldCode{{"details", "aids", "choice"}}},
		{"multichoice duplicate", form.Values{"aids": form.List("rollator", "rollator")}, nil, []fieldCode{{"details", "aids", "duplicateChoice"}}},
		{"textarea allows newlines", form.Values{"story": form.String("rad 1\nrad 2")}, nil, nil},
		{"file ok", form.Values{"certificate": form.Files(file("application/pdf", 10))}, nil, nil},
		{"file wildcard type", form.Values{"certificate": form.Files(file("image/png", 10))}, nil, nil},
		{"file wrong type", form.Values{"certificate": form.Files(file("application/zip", 10))}, nil, []fieldCode{{"details", "certificate", "fileType"}}},
		{"file too large", form.Values{"certificate": form.Files(file("application/pdf", 1001))}, nil, []fieldCode{{"details", "certificate", "fileSize"}}},
		{"too many files", form.Values{"certificate": form.Files(file("application/pdf", 1), file("application/pdf", 1))}, nil, []fieldCode{{"details", "certificate", "maxFiles"}}},
		{"consent unchecked", form.Values{"consent": form.Bool(false)}, nil, []fieldCode{{"confirm", "consent", "mustAccept"}}},
		{"wrong kind", form.Values{"name": form.Int(3)}, nil, []fieldCode{{"applicant", "name", "type"}}},
		{"hidden field is not validated", form.Values{"role": form.String("passenger"), "distance": form.String("x"),
			"kids": form.Group(form.Values{"kidName": form.String("Ida"), "kidAge": form.Int(3)})}, nil, nil},
		{"group: min items", form.Values{"role": form.String("passenger"), "kids": form.Group()}, nil,
			[]fieldCode{{"children", "kids", "required"}}},
		{"group: too many items", form.Values{"role": form.String("passenger"), "kids": form.Group(
			form.Values{"kidName": form.String("A")}, form.Values{"kidName": form.String("B")},
			form.Values{"kidName": form.String("C")}, form.Values{"kidName": form.String("D")})}, nil,
			[]fieldCode{{"children", "kids", "maxItems"}}},
		{"group: sub-field paths and sub-conditions", form.Values{"role": form.String("passenger"), "kids": form.Group(
			form.Values{"kidName": form.String("A"), "kidAge": form.Int(3)},
			form.Values{"kidAge": form.Int(18)},
			form.Values{"kidName": form.String("C"), "kidAge": form.Int(9)})}, nil,
			[]fieldCode{{"children", "kids[1].kidName", "required"}, {"children", "kids[1].kidAge", "max"},
				{"children", "kids[1].school", "required"}, {"children", "kids[2].school", "required"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := validValues()
			for _, k := range tc.drop {
				delete(v, k)
			}
			for k, x := range tc.set {
				v[k] = x
			}
			r := check(t, testForm(), v, nil)
			require.Equal(t, tc.want, codes(r.Err()))
		})
	}
}

func TestCheckMessagesAndPartialMode(t *testing.T) {
	t.Parallel()
	v := validValues()
	delete(v, "name")
	v["pnr"] = form.String("19121212-1213")
	delete(v, "phone")

	full := check(t, testForm(), v, nil)
	var ve *form.ValidationError
	require.ErrorAs(t, full.Err(), &ve)
	require.Len(t, ve.Fields, 2)
	for _, fe := range ve.Fields {
		require.NotEmpty(t, fe.Message.SV)
		require.NotEmpty(t, fe.Message.EN)
		require.NotContains(t, fe.Message.SV+fe.Message.EN+fe.Error()+full.Err().Error(), "1912", "messages never repeat the value")
	}
	require.Equal(t, []fieldCode{{"applicant", "phone", "recommended"}}, warnings(full))
	require.NotContains(t, full.CompletedSteps(), "applicant")

	partial := check(t, testForm(), v, &form.CheckOptions{Mode: form.Partial})
	require.Equal(t, []fieldCode{{"applicant", "pnr", "personnummer"}}, codes(partial.Err()), "partial mode skips completeness")
	require.NotContains(t, partial.CompletedSteps(), "applicant", "an incomplete step is not complete in partial mode either")

	stepOnly := check(t, testForm(), v, &form.CheckOptions{Step: "details"})
	require.NoError(t, stepOnly.Err())
}

func warnings(r *form.Result) []fieldCode {
	var out []fieldCode
	for _, w := range r.Warnings {
		out = append(out, fieldCode{w.Step, w.Field, w.Code})
	}
	return out
}

func TestHiddenValuesAreDropped(t *testing.T) {
	t.Parallel()
	v := validValues()
	v["role"] = form.String("passenger")
	v["kids"] = form.Group(form.Values{"kidName": form.String("Ida"), "kidAge": form.Int(3), "school": form.String("Hidden skola")})
	r := check(t, testForm(), v, nil)
	require.NoError(t, r.Err())
	require.NotContains(t, r.Values, "distance", "hidden field dropped")
	kids := r.Values["kids"].Items()
	require.Len(t, kids, 1)
	require.NotContains(t, kids[0], "school", "hidden sub-field dropped")

	v["role"] = form.String("driver")
	r = check(t, testForm(), v, nil)
	require.NotContains(t, r.Values, "kids", "values of a hidden step are dropped")
	require.NotContains(t, string(mustJSON(t, r.Values)), "Ida")
}

func mustJSON(t *testing.T, v form.Values) []byte {
	t.Helper()
	b, err := v.MarshalJSON()
	require.NoError(t, err)
	return b
}

func TestValidateStepAndValidate(t *testing.T) {
	t.Parallel()
	f := testForm()
	ctx := context.Background()
	v := validValues()
	delete(v, "consent")
	require.NoError(t, f.ValidateStep(ctx, "applicant", v))
	require.ErrorIs(t, f.ValidateStep(ctx, "nope", v), form.ErrUnknownStep)
	_, err := f.Validate(ctx, v)
	var ve *form.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, map[string][]form.FieldError{"confirm": ve.Fields}, ve.ByStep())
	require.Len(t, ve.For("consent"), 1)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.Check(cancelled, v, nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestBrokenDefinitionIsAProgrammerError(t *testing.T) {
	t.Parallel()
	f := testForm()
	f.Steps[0].Fields[0].Rules = "nosuchrule"
	_, err := f.Check(context.Background(), validValues(), nil)
	var de *form.DefinitionError
	require.ErrorAs(t, err, &de)
	var ve *form.ValidationError
	require.False(t, errors.As(err, &ve))
}

func TestRelativeDatesFollowTheClock(t *testing.T) {
	t.Parallel()
	f := testForm()
	v := validValues()
	v["from"] = form.Date(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))
	later := func() time.Time { return time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC) }
	r, err := f.Check(context.Background(), v, &form.CheckOptions{Now: later})
	require.NoError(t, err)
	require.Equal(t, []fieldCode{{"details", "from", "minDate"}}, codes(r.Err()))
}

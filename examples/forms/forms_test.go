package forms_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/form"
)

// load parses the embedded definition of id straight from the file system,
// so that a problem is reported with its line and column.
func load(t *testing.T, id string) *form.Form {
	t.Helper()
	b, err := fs.ReadFile(forms.FS(), id+".json")
	require.NoError(t, err)
	f, err := form.Parse(b)
	var de *form.DefinitionError
	if errors.As(err, &de) {
		for _, p := range de.Problems {
			t.Errorf("%s.json:%s [%s]", id, p.String(), p.Code)
		}
	}
	require.NoError(t, err)
	return f
}

// check decodes a values document and checks it completely as of
// SampleDate. It returns the decode and check problems as "step/field:code"
// and the warnings likewise.
func check(t *testing.T, f *form.Form, doc []byte, now func() time.Time) (*form.Result, []string, []string) {
	t.Helper()
	vs, err := form.DecodeJSON(f, doc)
	var errs []string
	var ve *form.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			errs = append(errs, fe.Step+"/"+fe.Field+":"+fe.Code)
		}
	} else {
		require.NoError(t, err)
	}
	res, err := f.Check(context.Background(), vs, &form.CheckOptions{Now: now})
	require.NoError(t, err)
	for _, fe := range res.Errors {
		require.NotEmpty(t, fe.Message.SV, "%s/%s: Swedish message", fe.Step, fe.Field)
		require.NotEmpty(t, fe.Message.EN, "%s/%s: English message", fe.Step, fe.Field)
		errs = append(errs, fe.Step+"/"+fe.Field+":"+fe.Code)
	}
	var warns []string
	for _, fe := range res.Warnings {
		warns = append(warns, fe.Step+"/"+fe.Field+":"+fe.Code)
	}
	return res, errs, warns
}

func visibleSteps(r *form.Result) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Visible {
			out = append(out, s.ID)
		}
	}
	return out
}

// edit returns the sample answers of id with the given keys replaced
// (a nil value deletes the key).
func edit(t *testing.T, id string, changes map[string]any) []byte {
	t.Helper()
	b, err := forms.SampleValues(id)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for k, v := range changes {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// walk calls fn for every field of f, including the sub-fields of groups.
func walk(f *form.Form, fn func(step *form.Step, fd *form.Field, inGroup bool)) {
	for i := range f.Steps {
		s := &f.Steps[i]
		for j := range s.Fields {
			fd := &s.Fields[j]
			fn(s, fd, false)
			for k := range fd.Fields {
				fn(s, &fd.Fields[k], true)
			}
		}
	}
}

// ops collects the condition operators and combinators used by c.
func ops(c *form.Condition, into map[string]bool) {
	if c == nil {
		return
	}
	switch {
	case c.All != nil:
		into["all"] = true
		for i := range c.All {
			ops(&c.All[i], into)
		}
	case c.Any != nil:
		into["any"] = true
		for i := range c.Any {
			ops(&c.Any[i], into)
		}
	case c.Not != nil:
		into["not"] = true
		ops(c.Not, into)
	default:
		into[string(c.Op)] = true
	}
}

func TestDefinitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id        string
		audience  []form.Audience
		minSteps  int
		article9  bool     // has GDPR article 9 data
		osl       []string // OSL provisions that must be referenced
		prefills  []form.PrefillSource
		hiddenFor string // a step with a condition
	}{
		{
			id: forms.Parkeringstillstand, audience: []form.Audience{form.AudiencePerson}, minSteps: 6,
			article9: true, osl: []string{"25:1", "21:1"},
			prefills:  []form.PrefillSource{form.PrefillPersonnummer, form.PrefillEmail},
			hiddenFor: "resor",
		},
		{
			id: forms.Foreningsbidrag, audience: []form.Audience{form.AudienceAssociation}, minSteps: 8,
			prefills:  []form.PrefillSource{form.PrefillOrganisationsnummer, form.PrefillPartyName},
			hiddenFor: "lokal",
		},
		{
			id: forms.Varmepump, audience: []form.Audience{form.AudiencePerson, form.AudienceCompany}, minSteps: 8,
			osl:       []string{"21:3"},
			prefills:  []form.PrefillSource{form.PrefillPersonnummer, form.PrefillOrganisationsnummer},
			hiddenFor: "borrhal",
		},
	}
	allOps := map[string]bool{}
	for _, tt := range tests {
		f := load(t, tt.id)
		require.Equal(t, tt.id, f.ID)
		require.Equal(t, 1, f.Version)
		require.Equal(t, tt.audience, f.Audience)
		require.Equal(t, "loa3", f.AssuranceName())
		require.GreaterOrEqual(t, len(f.Steps), tt.minSteps)
		require.GreaterOrEqual(t, len(f.Steps), 4)
		require.NotEmpty(t, f.Title.EN)
		require.NotEmpty(t, f.Description.SV)
		require.NotEmpty(t, f.Description.EN)

		var groups, sensitive, soft, helps, fieldConds, subConds int
		var article9 bool
		osl := map[string]bool{}
		prefills := map[form.PrefillSource]bool{}
		walk(f, func(s *form.Step, fd *form.Field, inGroup bool) {
			require.NotEmpty(t, fd.Label.EN, "%s/%s: English label", s.ID, fd.ID)
			if fd.Help.SV != "" {
				helps++
				require.NotEmpty(t, fd.Help.EN, "%s/%s: English help", s.ID, fd.ID)
			}
			for _, o := range fd.Options {
				require.NotEmpty(t, o.Label.EN, "%s/%s=%s: English option label", s.ID, fd.ID, o.Value)
			}
			if fd.Type == form.TypeGroup {
				groups++
			}
			if fd.SoftRequired {
				soft++
			}
			if fd.Condition != nil {
				if inGroup {
					subConds++
				} else {
					fieldConds++
				}
				ops(fd.Condition, allOps)
			}
			if fd.Prefill != "" {
				prefills[fd.Prefill] = true
			}
			if sv := fd.Sensitivity; sv != nil {
				sensitive++
				require.NotEmpty(t, sv.Kind, "%s/%s", s.ID, fd.ID)
				article9 = article9 || sv.Article9
				for _, p := range sv.OSL {
					osl[p] = true
				}
				if sv.Kind == form.SensitivityHealth {
					require.True(t, sv.Article9, "%s/%s: health data is GDPR article 9", s.ID, fd.ID)
				}
			}
			switch fd.Type {
			case form.TypePersonnummer:
				require.NotNil(t, fd.Sensitivity, "%s/%s: a personnummer is personal data", s.ID, fd.ID)
				require.Equal(t, form.SensitivityIdentityNumber, fd.Sensitivity.Kind)
			case form.TypeEmail, form.TypePhone:
				require.NotNil(t, fd.Sensitivity, "%s/%s: contact data", s.ID, fd.ID)
			}
		})
		for _, s := range f.Steps {
			require.NotEmpty(t, s.Title.EN, "step %s: English title", s.ID)
			if s.Description.SV != "" {
				require.NotEmpty(t, s.Description.EN, "step %s: English description", s.ID)
			}
			ops(s.Condition, allOps)
		}
		require.Positive(t, groups, "a repeating group")
		require.Positive(t, sensitive, "sensitivity marks")
		require.Positive(t, soft, "a soft-required field")
		require.Positive(t, helps, "help texts")
		require.Positive(t, fieldConds, "a field condition")
		require.Positive(t, subConds, "a condition inside a group")
		require.NotNil(t, f.Step(tt.hiddenFor), tt.hiddenFor)
		require.NotNil(t, f.Step(tt.hiddenFor).Condition, "step %s has a condition", tt.hiddenFor)
		require.Equal(t, tt.article9, article9)
		for _, p := range tt.osl {
			require.True(t, osl[p], "OSL %s referenced", p)
		}
		for _, p := range tt.prefills {
			require.True(t, prefills[p], "prefill %s", p)
		}

		// The final step is "Granska och intyga" with a required consent.
		last := f.Steps[len(f.Steps)-1]
		require.Equal(t, "Granska och intyga", last.Title.SV)
		require.Nil(t, last.Condition)
		require.True(t, slices.ContainsFunc(last.Fields, func(fd form.Field) bool {
			return fd.Type == form.TypeBoolean && fd.Required && fd.Condition == nil
		}), "a required confirmation on the last step")
	}
	for _, op := range []string{"all", "any", "not", "equals", "in", "greaterThan", "lessThan", "isSet"} {
		require.True(t, allOps[op], "the examples use %s", op)
	}
}

func TestSampleValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id        string
		wantErrs  []string
		wantWarns []string
	}{
		{
			id: forms.Parkeringstillstand,
			wantErrs: []string{
				"sokande/personnummer:personnummer",
				"sokande/postnummer:postnummer",
				"sokande/epost:email",
				"tillstand/tidigareTillstand[0].tillstandsnummer:alphanum",
				"tillstand/tidigareTillstand[0].giltigtTill:required",
				"tillstand/giltigFran:minDate",
				"tillstand/giltighetstid:choice",
				"resor/hjalpBehov:minLength",
				"halsa/funktionsnedsattning:required",
				"halsa/gangstracka:max",
				"halsa/hjalpmedelAnnat:required",
				"intyg/lakarintyg:fileType",
				"intyg/foto:fileSize",
				"granska/intygande:mustAccept",
			},
			wantWarns: []string{"sokande/telefon:recommended", "resor/resmal:recommended"},
		},
		{
			id: forms.Foreningsbidrag,
			wantErrs: []string{
				"/medlemmarTotalt:unknownField",
				"forening/organisationsnummer:organisationsnummer",
				"forening/foreningsnamn:required",
				"forening/hemsida:http_url",
				"kontakt/kontaktTelefon:phone",
				"bidrag/bidragsar:min",
				"bidrag/sokBelopp:min",
				"bidrag/bankgiro:numeric",
				"verksamhet/medlemmar7till20:integer",
				"verksamhet/medlemmar65plus:min",
				"verksamhet/verksamhetsbeskrivning:minLength",
				"lokal/hyraPerAr:required",
				"lokal/hyresavtal:required",
				"budget/budgetposter:minItems",
				"budget/budgetposter[0].slag:required",
				"budget/budgetposter[0].belopp:min",
				"budget/andraBidragBeskrivning:required",
				"bilagor/verksamhetsberattelse:required",
				"bilagor/arsmotesprotokoll:file",
				"granska/intygande:mustAccept",
			},
		},
		{
			id: forms.Varmepump,
			wantErrs: []string{
				"fastighet/fastighetsbeteckning:fastighet",
				"fastighet/agareOrganisationsnummer:organisationsnummer",
				"fastighet/agareForetagsnamn:required",
				"kontakt/epost:required",
				"kontakt/telefon:phone",
				"kontakt/fullmakt:required",
				"anlaggning/effekt:decimal",
				"anlaggning/koldbarare:required",
				"anlaggning/oljetank:required",
				"anlaggning/installationsdatum:date",
				"borrhal/borrhalLista[0].djup:max",
				"borrhal/borrhalLista[0].motivering:required",
				"installator/installatorOrganisationsnummer:required",
				"bilagor/situationsplan:maxFiles",
			},
			wantWarns: []string{"anlaggning/modell:recommended", "installator/installatorCertifikat:recommended"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			f, err := forms.Load(tt.id)
			require.NoError(t, err)

			valid, err := forms.SampleValues(tt.id)
			require.NoError(t, err)
			res, errs, warns := check(t, f, valid, forms.SampleNow)
			require.Empty(t, errs, "the valid sample has no errors")
			require.Empty(t, warns, "the valid sample fills in soft-required fields")
			require.Equal(t, 100, res.Progress())

			invalid, err := forms.InvalidSampleValues(tt.id)
			require.NoError(t, err)
			_, errs, warns = check(t, f, invalid, forms.SampleNow)
			require.ElementsMatch(t, tt.wantErrs, errs)
			require.ElementsMatch(t, tt.wantWarns, warns)
		})
	}
}

func TestConditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		id          string
		changes     map[string]any
		wantVisible []string
		wantErrs    []string
		wantDropped []string // answers in the document that a condition hides
	}{
		{
			name:        "parking as driver renewing",
			id:          forms.Parkeringstillstand,
			wantVisible: []string{"sokande", "tillstand", "halsa", "intyg", "granska"},
		},
		{
			name: "parking as passenger shows the journeys step and hides the licence",
			id:   forms.Parkeringstillstand,
			changes: map[string]any{
				"sokerSom":   "passagerare",
				"hjalpBehov": "Jag behöver stöd för att ta mig från bilen till entrén.",
				"resmal":     []string{"vard", "inkop"},
			},
			wantVisible: []string{"sokande", "tillstand", "resor", "halsa", "intyg", "granska"},
			wantDropped: []string{"korkort", "rullstolLastning"},
		},
		{
			name:        "parking passenger without describing the help needed",
			id:          forms.Parkeringstillstand,
			changes:     map[string]any{"sokerSom": "passagerare", "resmal": []string{"vard"}},
			wantVisible: []string{"sokande", "tillstand", "resor", "halsa", "intyg", "granska"},
			wantErrs:    []string{"resor/hjalpBehov:required"},
			wantDropped: []string{"korkort", "rullstolLastning"},
		},
		{
			name:        "parking driver must confirm the licence",
			id:          forms.Parkeringstillstand,
			changes:     map[string]any{"korkort": false},
			wantVisible: []string{"sokande", "tillstand", "halsa", "intyg", "granska"},
			wantErrs:    []string{"tillstand/korkort:mustAccept"},
		},
		{
			name:        "parking new application hides earlier permits",
			id:          forms.Parkeringstillstand,
			changes:     map[string]any{"ansokningstyp": "ny"},
			wantVisible: []string{"sokande", "tillstand", "halsa", "intyg", "granska"},
			wantDropped: []string{"tidigareTillstand"},
		},
		{
			name:        "parking renewal needs an earlier permit",
			id:          forms.Parkeringstillstand,
			changes:     map[string]any{"tidigareTillstand": []any{}},
			wantVisible: []string{"sokande", "tillstand", "halsa", "intyg", "granska"},
			wantErrs:    []string{"tillstand/tidigareTillstand:required"},
		},
		{
			name:        "parking without a wheelchair hides the loading question",
			id:          forms.Parkeringstillstand,
			changes:     map[string]any{"hjalpmedel": []string{"rollator"}},
			wantVisible: []string{"sokande", "tillstand", "halsa", "intyg", "granska"},
			wantDropped: []string{"rullstolLastning"},
		},
		{
			name:        "grant for activities hides the premises step",
			id:          forms.Foreningsbidrag,
			changes:     map[string]any{"bidragstyp": "verksamhetsbidrag"},
			wantVisible: []string{"forening", "kontakt", "bidrag", "verksamhet", "budget", "bilagor", "granska"},
			wantDropped: []string{"lokalAdress", "lokalYta", "lokalUpplatelse", "hyraPerAr", "hyresavtal"},
		},
		{
			name:        "grant for owned premises asks for running costs, not rent",
			id:          forms.Foreningsbidrag,
			changes:     map[string]any{"lokalUpplatelse": "ager"},
			wantVisible: []string{"forening", "kontakt", "bidrag", "verksamhet", "lokal", "budget", "bilagor", "granska"},
			wantErrs:    []string{"lokal/driftskostnadPerAr:required"},
			wantDropped: []string{"hyraPerAr", "hyresavtal"},
		},
		{
			name:        "grant to plusgiro hides the bankgiro number",
			id:          forms.Foreningsbidrag,
			changes:     map[string]any{"kontotyp": "plusgiro", "plusgiro": "1234567"},
			wantVisible: []string{"forening", "kontakt", "bidrag", "verksamhet", "lokal", "budget", "bilagor", "granska"},
			wantDropped: []string{"bankgiro"},
		},
		{
			name:        "start-up grant needs no annual report",
			id:          forms.Foreningsbidrag,
			changes:     map[string]any{"bidragstyp": "startbidrag", "verksamhetsberattelse": nil},
			wantVisible: []string{"forening", "kontakt", "bidrag", "verksamhet", "budget", "bilagor", "granska"},
			wantDropped: []string{"lokalAdress", "lokalYta", "lokalUpplatelse", "hyraPerAr", "hyresavtal"},
		},
		{
			name:        "grant without other grants drops their description",
			id:          forms.Foreningsbidrag,
			changes:     map[string]any{"andraBidrag": false},
			wantVisible: []string{"forening", "kontakt", "bidrag", "verksamhet", "lokal", "budget", "bilagor", "granska"},
			wantDropped: []string{"andraBidragBeskrivning"},
		},
		{
			name: "heat pump in soil shows the collector, not the boreholes",
			id:   forms.Varmepump,
			changes: map[string]any{
				"varmekalla": "jord", "kollektorLangd": 350,
			},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "kollektor", "installator", "bilagor", "granska"},
			wantDropped: []string{"borrhalLista", "kommunaltVatten", "borrfirma", "borrfirmaCertifierad"},
		},
		{
			name: "heat pump in a lake needs the lake's name",
			id:   forms.Varmepump,
			changes: map[string]any{
				"varmekalla": "sjo", "kollektorLangd": 400,
			},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "kollektor", "installator", "bilagor", "granska"},
			wantErrs:    []string{"kollektor/vattenomrade:required"},
			wantDropped: []string{"borrhalLista", "kommunaltVatten", "borrfirma", "borrfirmaCertifierad"},
		},
		{
			name:        "air-to-water heat pump has no collector fluid",
			id:          forms.Varmepump,
			changes:     map[string]any{"varmekalla": "luftVatten"},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "installator", "bilagor", "granska"},
			wantDropped: []string{"koldbarare", "koldbarareMangd", "borrhalLista", "kommunaltVatten", "borrfirma", "borrfirmaCertifierad"},
		},
		{
			name: "heat pump owned by a company asks for the organisationsnummer",
			id:   forms.Varmepump,
			changes: map[string]any{
				"agartyp": "foretag", "agareOrganisationsnummer": "5566778899", "agareForetagsnamn": "Exempel Fastigheter AB",
			},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "borrhal", "installator", "bilagor", "granska"},
			wantDropped: []string{"agarePersonnummer", "agareNamn"},
		},
		{
			name:        "heat pump owned by a company without its number",
			id:          forms.Varmepump,
			changes:     map[string]any{"agartyp": "foretag"},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "borrhal", "installator", "bilagor", "granska"},
			wantErrs:    []string{"fastighet/agareOrganisationsnummer:required", "fastighet/agareForetagsnamn:required"},
			wantDropped: []string{"agarePersonnummer", "agareNamn"},
		},
		{
			name: "borehole far from wells needs no motivation",
			id:   forms.Varmepump,
			changes: map[string]any{"borrhalLista": []any{
				map[string]any{"djup": 200, "avstandBrunn": 30, "avstandTomtgrans": 10, "motivering": "Behövs inte."},
			}},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "borrhal", "installator", "bilagor", "granska"},
		},
		{
			name:        "agent must attach a power of attorney",
			id:          forms.Varmepump,
			changes:     map[string]any{"ombud": true},
			wantVisible: []string{"fastighet", "kontakt", "anlaggning", "borrhal", "installator", "bilagor", "granska"},
			wantErrs:    []string{"kontakt/fullmakt:required"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := forms.Load(tt.id)
			require.NoError(t, err)
			res, errs, _ := check(t, f, edit(t, tt.id, tt.changes), forms.SampleNow)
			require.Equal(t, tt.wantVisible, visibleSteps(res))
			require.ElementsMatch(t, tt.wantErrs, errs)
			for _, id := range tt.wantDropped {
				_, kept := res.Values[id]
				require.False(t, kept, "the answer to hidden field %s is dropped", id)
			}
		})
	}
}

func TestSampleValuesNormalised(t *testing.T) {
	t.Parallel()
	f, err := forms.Load(forms.Parkeringstillstand)
	require.NoError(t, err)
	doc, err := forms.SampleValues(forms.Parkeringstillstand)
	require.NoError(t, err)
	res, errs, _ := check(t, f, doc, forms.SampleNow)
	require.Empty(t, errs)
	require.Equal(t, "197801012381", res.Values["personnummer"].Text(), "personnummer stored as 12 digits")
	require.Equal(t, "753 20", res.Values["postnummer"].Text())
	require.Equal(t, form.KindInt, res.Values["gangstracka"].Kind())
	require.Equal(t, []string{"rollator", "rullstol"}, res.Values["hjalpmedel"].List())
	require.Len(t, res.Values["tidigareTillstand"].Items(), 1)
}

func TestRelativeDateBounds(t *testing.T) {
	t.Parallel()
	f, err := forms.Load(forms.Varmepump)
	require.NoError(t, err)
	doc, err := forms.SampleValues(forms.Varmepump)
	require.NoError(t, err)
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"on the sample date", forms.SampleNow(), nil},
		{"the day of installation", time.Date(2027, 3, 15, 9, 0, 0, 0, time.UTC), nil},
		{"after the planned installation", time.Date(2027, 3, 16, 9, 0, 0, 0, time.UTC), []string{"anlaggning/installationsdatum:minDate"}},
		{"more than two years before", time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), []string{"anlaggning/installationsdatum:maxDate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, errs, _ := check(t, f, doc, func() time.Time { return tt.now })
			require.ElementsMatch(t, tt.want, errs)
		})
	}
}

func TestPrefill(t *testing.T) {
	t.Parallel()
	known := map[form.PrefillSource]string{
		form.PrefillPersonnummer:        "197801012381",
		form.PrefillGivenName:           "Testa",
		form.PrefillFamilyName:          "Testsson",
		form.PrefillFullName:            "Testa Testsson",
		form.PrefillEmail:               "testa@example.se",
		form.PrefillOrganisationsnummer: "8024753462",
		form.PrefillPartyName:           "Exempelby IF",
	}
	lookup := func(p form.PrefillSource) (string, bool) { s, ok := known[p]; return s, ok }
	tests := []struct {
		id   string
		want map[string]string
	}{
		{forms.Parkeringstillstand, map[string]string{"personnummer": "197801012381", "fornamn": "Testa", "efternamn": "Testsson", "epost": "testa@example.se"}},
		{forms.Foreningsbidrag, map[string]string{"organisationsnummer": "8024753462", "foreningsnamn": "Exempelby IF", "kontaktFornamn": "Testa", "kontaktEpost": "testa@example.se"}},
		{forms.Varmepump, map[string]string{"agarePersonnummer": "197801012381", "agareNamn": "Testa Testsson", "agareOrganisationsnummer": "8024753462", "epost": "testa@example.se"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			f, err := forms.Load(tt.id)
			require.NoError(t, err)
			vs, err := f.Prefill(nil, lookup)
			require.NoError(t, err)
			for k, want := range tt.want {
				require.Equal(t, want, vs[k].Text(), k)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	t.Parallel()
	reg := form.NewRegistry(nil)
	require.NoError(t, forms.Register(reg))
	require.NoError(t, forms.Register(reg), "registering the same versions again is a no-op")

	ids := func(fs []*form.Form) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.ID)
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, []string{forms.Foreningsbidrag, forms.Parkeringstillstand, forms.Varmepump}, ids(reg.Catalogue("")))
	require.Equal(t, []string{forms.Parkeringstillstand, forms.Varmepump}, ids(reg.Catalogue(form.AudiencePerson)))
	require.Equal(t, []string{forms.Varmepump}, ids(reg.Catalogue(form.AudienceCompany)))
	require.Equal(t, []string{forms.Foreningsbidrag}, ids(reg.Catalogue(form.AudienceAssociation)))
	for _, id := range forms.IDs() {
		f, err := reg.Latest(id)
		require.NoError(t, err)
		require.Equal(t, 1, f.Version)
	}

	// Another definition under a registered ID and version is refused.
	other, err := forms.Load(forms.Varmepump)
	require.NoError(t, err)
	other.Title.SV = "Något annat"
	reg2 := form.NewRegistry(nil)
	require.NoError(t, reg2.Register(other))
	err = forms.Register(reg2)
	require.ErrorIs(t, err, form.ErrVersionConflict)
}

func TestAllReturnsFreshForms(t *testing.T) {
	t.Parallel()
	a, err := forms.All()
	require.NoError(t, err)
	b, err := forms.All()
	require.NoError(t, err)
	require.Len(t, a, len(forms.IDs()))
	for i := range a {
		require.Equal(t, forms.IDs()[i], a[i].ID)
		require.NotSame(t, a[i], b[i])
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	for _, get := range []func(string) ([]byte, error){forms.Definition, forms.SampleValues, forms.InvalidSampleValues} {
		_, err := get("bygglov")
		require.ErrorIs(t, err, forms.ErrNotFound)
		_, err = get("../forms")
		require.ErrorIs(t, err, forms.ErrNotFound)
	}
	_, err := forms.Load("")
	require.ErrorIs(t, err, forms.ErrNotFound)
}

func TestSampleNow(t *testing.T) {
	t.Parallel()
	require.Equal(t, forms.SampleDate, forms.SampleNow().Format(time.DateOnly))
}

func TestEmbeddedFiles(t *testing.T) {
	t.Parallel()
	var names []string
	require.NoError(t, fs.WalkDir(forms.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	}))
	var want []string
	for _, id := range forms.IDs() {
		want = append(want, id+".json", "values/"+id+".valid.json", "values/"+id+".invalid.json")
	}
	require.ElementsMatch(t, want, names, "every embedded file belongs to an example")
}

package form

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/etjanst/etjanst/idnum"
)

// Rules lists the validation rules a Field.Rules string may use, in
// validator tag syntax: rules separated by commas, a parameter after "=".
// Rules apply to the text of text-like fields. Besides the generic rules
// of go-playground/validator listed here, the Swedish rules are:
//
//	personnummer         personnummer or samordningsnummer (Luhn-checked)
//	samordningsnummer    samordningsnummer only
//	organisationsnummer  organisationsnummer
//	postnummer           Swedish postal code
//	phone                Swedish or E.164 phone number
//	fastighet            property designation (fastighetsbeteckning), e.g. "Uppsala Kåbo 1:23"
var Rules = map[string]RuleInfo{
	"alpha":               {Message: T("Får bara innehålla bokstäver a–z.", "Letters a–z only.")},
	"alphanum":            {Message: T("Får bara innehålla bokstäver a–z och siffror.", "Letters a–z and digits only.")},
	"alphaunicode":        {Message: T("Får bara innehålla bokstäver.", "Letters only.")},
	"alphanumunicode":     {Message: T("Får bara innehålla bokstäver och siffror.", "Letters and digits only.")},
	"numeric":             {Message: T("Får bara innehålla siffror.", "Digits only.")},
	"lowercase":           {Message: T("Får bara innehålla gemener.", "Lower-case letters only.")},
	"uppercase":           {Message: T("Får bara innehålla versaler.", "Upper-case letters only.")},
	"ascii":               {Message: T("Får bara innehålla tecken a–z, 0–9 och vanliga skiljetecken.", "ASCII characters only.")},
	"startswith":          {Param: true, Message: T("Måste börja med ”{param}”.", "Must start with “{param}”.")},
	"endswith":            {Param: true, Message: T("Måste sluta med ”{param}”.", "Must end with “{param}”.")},
	"contains":            {Param: true, Message: T("Måste innehålla ”{param}”.", "Must contain “{param}”.")},
	"excludes":            {Param: true, Message: T("Får inte innehålla ”{param}”.", "Must not contain “{param}”.")},
	"len":                 {Param: true, IntParam: true, Message: T("Måste vara exakt {param} tecken.", "Must be exactly {param} characters.")},
	"url":                 {Message: T("Ange en giltig webbadress.", "Enter a valid web address.")},
	"http_url":            {Message: T("Ange en webbadress som börjar med http:// eller https://.", "Enter a web address starting with http:// or https://.")},
	"bic":                 {Message: T("Ange en giltig BIC-kod.", "Enter a valid BIC code.")},
	"iso3166_1_alpha2":    {Message: T("Ange en landskod med två bokstäver.", "Enter a two-letter country code.")},
	"personnummer":        {Message: codeMessages["personnummer"]},
	"samordningsnummer":   {Message: T("Ange ett giltigt samordningsnummer.", "Enter a valid co-ordination number.")},
	"organisationsnummer": {Message: codeMessages["organisationsnummer"]},
	"postnummer":          {Message: codeMessages["postnummer"]},
	"phone":               {Message: codeMessages["phone"]},
	"email":               {Message: codeMessages["email"]},
	"fastighet":           {Message: T("Ange fastighetsbeteckning som ”Kommun Trakt 1:23”.", "Enter the property designation as “Municipality Tract 1:23”.")},
}

// RuleInfo describes one allowed rule.
type RuleInfo struct {
	// Param reports whether the rule takes a parameter.
	Param bool
	// IntParam reports whether the parameter is a non-negative integer.
	IntParam bool
	// Message is the text shown when the rule fails; {param} is replaced.
	Message Text
}

// parseRules checks a rules string against Rules and returns the rule
// names in order, or a description of the first problem.
func parseRules(s string) ([]rule, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []rule
	for part := range strings.SplitSeq(s, ",") {
		name, param, hasParam := strings.Cut(strings.TrimSpace(part), "=")
		info, ok := Rules[name]
		switch {
		case name == "":
			return nil, fmt.Errorf("empty rule in %q", s)
		case !ok:
			return nil, fmt.Errorf("unknown rule %q", name)
		case info.Param && (!hasParam || param == ""):
			return nil, fmt.Errorf("rule %q needs a parameter (%s=...)", name, name)
		case !info.Param && hasParam:
			return nil, fmt.Errorf("rule %q takes no parameter", name)
		case strings.ContainsAny(param, "|'\x00"):
			return nil, fmt.Errorf("rule %q: parameter may not contain | or '", name)
		}
		if info.IntParam {
			if n, err := strconv.Atoi(param); err != nil || n < 0 || n > 100000 {
				return nil, fmt.Errorf("rule %q needs a non-negative integer parameter", name)
			}
		}
		out = append(out, rule{name: name, param: param, tag: strings.TrimSpace(part)})
	}
	return out, nil
}

type rule struct {
	name, param, tag string
}

// newValidator builds the validator with our Swedish tags. It is built once
// per process (validator caches parsed tags and is safe for concurrent use);
// see sharedValidator.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	must := func(tag string, fn func(string) bool) {
		err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return fn(fl.Field().String())
		})
		if err != nil {
			panic(fmt.Sprintf("form: register %s: %v", tag, err)) // programming error at init: tags are constants
		}
	}
	must("personnummer", func(s string) bool {
		_, err := idnum.ParsePersonnummer(s, nil)
		return err == nil
	})
	must("samordningsnummer", func(s string) bool {
		p, err := idnum.ParsePersonnummer(s, nil)
		return err == nil && p.IsCoordination()
	})
	must("organisationsnummer", func(s string) bool {
		_, err := idnum.ParseOrganisationsnummer(s)
		return err == nil
	})
	must("postnummer", func(s string) bool { _, ok := normalisePostnummer(s); return ok })
	must("phone", func(s string) bool { _, ok := normalisePhone(s); return ok })
	must("fastighet", func(s string) bool { return fastighetRE.MatchString(strings.TrimSpace(s)) })
	return v
}

// sharedValidator is the one validator of the process. It is immutable after
// construction apart from validator's own concurrency-safe caches, so it is
// the one piece of package-level state (DESIGN: one validator per process).
var sharedValidator = sync.OnceValue(newValidator)

var fastighetRE = regexp.MustCompile(`^\p{L}[\p{L}\p{N} .'\-]{0,60}\s+(\d{1,5}|[Ss]):\d{1,5}$`)

// normalisePostnummer returns "NNN NN" for a Swedish postal code written
// "NNNNN", "NNN NN" or with an "SE-" prefix.
func normalisePostnummer(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "SE-"), "SE ")
	var d [5]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == 5 {
				return "", false
			}
			d[n] = c
			n++
		case c == ' ' && n == 3:
		default:
			return "", false
		}
	}
	if n != 5 || d[0] == '0' {
		return "", false
	}
	return string(d[:3]) + " " + string(d[3:]), true
}

// normalisePhone accepts Swedish national numbers (0XX-XXX XX XX) and E.164
// numbers (+46..., 0046...) with spaces, hyphens and parentheses, and
// returns the number in E.164 ("+46701234567") for Swedish numbers or as
// given in E.164 for others.
func normalisePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 32 {
		return "", false
	}
	var digits []byte
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '/':
		default:
			return "", false
		}
	}
	if !plus && len(digits) > 2 && digits[0] == '0' && digits[1] == '0' {
		plus, digits = true, digits[2:]
	}
	if plus {
		// E.164: country code 1-9, 7 to 15 digits in all.
		if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
			return "", false
		}
		if digits[0] == '4' && digits[1] == '6' {
			if len(digits) < 9 || digits[2] == '0' {
				return "", false
			}
		}
		return "+" + string(digits), true
	}
	// Swedish national format: trunk 0, 8 to 10 digits in all.
	if len(digits) < 8 || len(digits) > 10 || digits[0] != '0' || digits[1] == '0' {
		return "", false
	}
	return "+46" + string(digits[1:]), true
}

// dateBound is a lower or upper date bound: fixed, or relative to the day
// of validation ("today", "today+30d", "today-18y", "today+6m").
type dateBound struct {
	set      bool
	fixed    string // YYYY-MM-DD
	relative bool
	years    int
	months   int
	days     int
}

func parseDateBound(s string) (dateBound, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return dateBound{}, nil
	}
	if !strings.HasPrefix(s, "today") {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return dateBound{}, fmt.Errorf("date bound %q is not YYYY-MM-DD or today±N(d|m|y)", s)
		}
		return dateBound{set: true, fixed: s}, nil
	}
	b := dateBound{set: true, relative: true}
	rest := s[len("today"):]
	if rest == "" {
		return b, nil
	}
	if len(rest) < 3 || (rest[0] != '+' && rest[0] != '-') {
		return dateBound{}, fmt.Errorf("date bound %q is not today±N(d|m|y)", s)
	}
	n, err := strconv.Atoi(rest[1 : len(rest)-1])
	if err != nil || n < 0 || n > 100000 {
		return dateBound{}, fmt.Errorf("date bound %q is not today±N(d|m|y)", s)
	}
	if rest[0] == '-' {
		n = -n
	}
	switch rest[len(rest)-1] {
	case 'd':
		b.days = n
	case 'm':
		b.months = n
	case 'y':
		b.years = n
	default:
		return dateBound{}, fmt.Errorf("date bound %q: unit must be d, m or y", s)
	}
	return b, nil
}

// at returns the bound as YYYY-MM-DD for the day of now (in Swedish time).
func (b dateBound) at(now time.Time) string {
	if !b.relative {
		return b.fixed
	}
	y, m, d := now.In(stockholm()).Date()
	return time.Date(y+b.years, m+time.Month(b.months), d+b.days, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// stockholm returns Europe/Stockholm, or a fixed CET zone when the time zone
// database is missing.
var stockholm = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
})

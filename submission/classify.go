package submission

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/idnum"
)

// Flag marks a value of a record that the secrecy review must decide on
// before the record is disclosed (sekretessprövning enligt OSL).
type Flag struct {
	// Document is the ID of the document holding the value.
	Document string `json:"document"`
	// Path is the field path ("diagnos", "barn[1].namn"), "attachment:<id>"
	// for an attachment, "sender" for the sender block of the record, or
	// "*" for the whole record.
	Path string `json:"path"`
	// Kind is the kind of data (form.SensitivityKind values).
	Kind string `json:"kind"`
	// Reason says why the value was flagged: "field" (the form marks it),
	// "fieldType" (an identity-number or contact field), "sender" (who
	// submitted), "freeText:personnummer",
	// "freeText:email", "freeText:phone", "attachment",
	// "protectedIdentity", or a Classifier's own reason.
	Reason string `json:"reason"`
	// OSL lists the provisions of offentlighets- och sekretesslagen that
	// may apply; Article9 marks special categories (GDPR art. 9).
	OSL      []string `json:"osl,omitempty"`
	Article9 bool     `json:"gdprArticle9,omitempty"`
}

// Classifier finds more values to flag in a record, e.g. a municipality's
// own register lookups. Classify must not modify the record.
type Classifier interface {
	Classify(ctx context.Context, rec *Record, values form.Values) ([]Flag, error)
}

// ClassifierFunc adapts a function to Classifier.
type ClassifierFunc func(ctx context.Context, rec *Record, values form.Values) ([]Flag, error)

// Classify calls f.
func (f ClassifierFunc) Classify(ctx context.Context, rec *Record, values form.Values) ([]Flag, error) {
	return f(ctx, rec, values)
}

// Built-in patterns for personal data in free text.
var (
	// A personnummer or samordningsnummer: 6 or 8 digits, an optional
	// separator, 4 digits, not inside a longer number.
	pnrRE = regexp.MustCompile(`(?:^|[^0-9])((?:[0-9]{8}|[0-9]{6})[-+ ]?[0-9]{4})(?:$|[^0-9])`)
	// An e-mail address.
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// A phone number candidate: international or national prefix and
	// digits with spaces or hyphens.
	phoneRE = regexp.MustCompile(`(?:^|[^0-9+])((?:\+|00)[1-9][0-9 \-]{6,16}[0-9]|0[1-9][0-9 \-]{5,13}[0-9])(?:$|[^0-9])`)
)

// FindPersonnummer returns the valid personnummer and samordningsnummer in
// text: candidates must pass the date and Luhn checks, so invoice numbers,
// dates and postal codes are not reported.
func FindPersonnummer(text string) []string {
	var out []string
	for _, m := range pnrRE.FindAllStringSubmatch(text, -1) {
		if _, err := idnum.ParsePersonnummer(m[1], nil); err == nil {
			out = append(out, m[1])
		}
	}
	return out
}

// FindEmail returns the e-mail addresses in text.
func FindEmail(text string) []string { return emailRE.FindAllString(text, -1) }

// FindPhone returns the phone numbers in text: E.164 numbers (+46 70 ...),
// and Swedish national numbers written with a separator (070-123 45 67,
// 08-12 34 56) or as a bare ten-digit mobile number (07XXXXXXXX). Bare
// digit strings of other shapes (invoice and customer numbers) are not
// reported.
func FindPhone(text string) []string {
	var out []string
	for _, m := range phoneRE.FindAllStringSubmatch(text, -1) {
		c := strings.TrimSpace(m[1])
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, c)
		switch {
		case strings.HasPrefix(c, "+") || strings.HasPrefix(c, "00"):
			if n := len(strings.TrimPrefix(digits, "00")); n >= 8 && n <= 15 {
				out = append(out, c)
			}
		case digits != c: // national with separators
			if len(digits) >= 8 && len(digits) <= 10 {
				out = append(out, c)
			}
		case len(digits) == 10 && strings.HasPrefix(digits, "07"):
			out = append(out, c)
		}
	}
	return out
}

// classify computes the built-in flags of a record.
func classify(f *form.Form, values form.Values, rec *Record, appDoc string) []Flag {
	var flags []Flag
	if rec.Sender.Protected {
		flags = append(flags, Flag{Document: appDoc, Path: "*", Kind: string(form.SensitivityIdentityNumber),
			Reason: "protectedIdentity", OSL: []string{"21:3"}})
	}
	// Who submitted is personal data too: the sender block of the record.
	flags = append(flags, Flag{Document: appDoc, Path: "sender", Kind: string(form.SensitivityIdentityNumber), Reason: "sender"})
	for _, st := range f.Steps {
		for i := range st.Fields {
			fd := &st.Fields[i]
			v, ok := values[fd.ID]
			if !ok {
				continue
			}
			flags = classifyField(flags, fd, fd.ID, v, appDoc)
		}
	}
	for _, a := range rec.Attachments {
		fl := Flag{Document: a.Document, Path: "attachment:" + a.ID, Kind: string(form.SensitivityFreeText), Reason: "attachment"}
		if fd, _ := f.Field(a.Field); fd != nil && fd.Sensitivity != nil {
			fl.Kind, fl.OSL, fl.Article9 = string(fd.Sensitivity.Kind), fd.Sensitivity.OSL, fd.Sensitivity.Article9
		}
		flags = append(flags, fl)
	}
	return flags
}

func classifyField(flags []Flag, fd *form.Field, path string, v form.Value, doc string) []Flag {
	if v.Kind() == form.KindGroup {
		for i, item := range v.Items() {
			for j := range fd.Fields {
				sf := &fd.Fields[j]
				if sv, ok := item[sf.ID]; ok {
					flags = classifyField(flags, sf, path+"["+strconv.Itoa(i)+"]."+sf.ID, sv, doc)
				}
			}
		}
		if fd.Sensitivity != nil {
			flags = append(flags, sensitiveFlag(fd, path, doc))
		}
		return flags
	}
	switch {
	case fd.Sensitivity != nil:
		flags = append(flags, sensitiveFlag(fd, path, doc))
	case fd.Type == form.TypePersonnummer:
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityIdentityNumber), Reason: "fieldType"})
	case fd.Type == form.TypeEmail || fd.Type == form.TypePhone:
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityContact), Reason: "fieldType"})
	}
	if v.Kind() != form.KindText || fd.Type == form.TypePersonnummer || fd.Type == form.TypeEmail || fd.Type == form.TypePhone ||
		fd.Type == form.TypeChoice || fd.Type == form.TypeOrganisationsnummer || fd.Type == form.TypePostnummer {
		return flags
	}
	text := v.Text()
	if len(FindPersonnummer(text)) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityIdentityNumber), Reason: "freeText:personnummer"})
	}
	if len(FindEmail(text)) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityContact), Reason: "freeText:email"})
	}
	if len(FindPhone(text)) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityContact), Reason: "freeText:phone"})
	}
	return flags
}

func sensitiveFlag(fd *form.Field, path, doc string) Flag {
	return Flag{Document: doc, Path: path, Kind: string(fd.Sensitivity.Kind), Reason: "field",
		OSL: fd.Sensitivity.OSL, Article9: fd.Sensitivity.Article9}
}

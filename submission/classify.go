package submission

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// emailRE matches an e-mail address, with letters and digits of any
// script (örjan.åberg@kommun.se: the whole local part, not "berg@...").
var emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)

// digitRun is a maximal run of digits joined by single separators (a
// space, a dash or a plus, in any of their Unicode forms, or a dash with
// spaces around it), as personnummer and phone numbers are written. groups holds
// the digit groups and seps the separator before each group ("" for the
// first).
type digitRun struct {
	start, end int // byte offsets of the run in the text
	groups     []string
	seps       []string
	starts     []int // byte offset of each group
	plus       bool  // the run is preceded by '+'
}

// separatorAt returns the separator at text[i:] followed by a digit, or
// "": one space (any Unicode space separator: no-break, thin, figure
// space), one dash (any Unicode dash, the minus sign) or '+', or a dash or
// '+' with a space before, after or on both sides ("19121212 - 1212").
func separatorAt(text string, i int) string {
	j := i + runeAt(text, i, isSpaceSep)
	if d := runeAt(text, j, isDashOrPlus); d > 0 {
		j += d
		j += runeAt(text, j, isSpaceSep)
	}
	if j == i || j >= len(text) || !isDigit(text[j]) {
		return ""
	}
	return text[i:j]
}

// runeAt returns the size of the rune at text[i:] when it satisfies is,
// else 0.
func runeAt(text string, i int, is func(rune) bool) int {
	if i >= len(text) {
		return 0
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if r == utf8.RuneError || !is(r) {
		return 0
	}
	return size
}

func isSpaceSep(r rune) bool { return unicode.Is(unicode.Zs, r) }

func isDashOrPlus(r rune) bool { return r == '+' || isDash(r) }

func isDash(r rune) bool { return unicode.Is(unicode.Pd, r) || r == '\u2212' }

// sepCore returns a separator without the spaces around it.
func sepCore(sep string) string { return strings.TrimFunc(sep, isSpaceSep) }

// wordAt reports whether the rune at text[i:] belongs to a word (a letter,
// a digit or '_'): digits glued to it are not a number of their own.
func wordAt(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordBefore reports whether the rune ending at text[:i] belongs to a word.
func wordBefore(text string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// digitRuns splits text into runs of digit groups. Digits glued to a word
// ("AB1234", "2st") start or continue no run: a group glued to a word at
// the end of a run is left out, the groups before it stay.
func digitRuns(text string) []digitRun {
	var runs []digitRun
	i := 0
	for i < len(text) {
		if !isDigit(text[i]) {
			i++
			continue
		}
		if wordBefore(text, i) {
			for i < len(text) && isDigit(text[i]) {
				i++ // digits glued to a word: not a number
			}
			continue
		}
		r := digitRun{start: i, plus: i > 0 && text[i-1] == '+'}
		if r.plus {
			r.start--
		}
		sep := ""
		for {
			j := i
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			r.groups = append(r.groups, text[i:j])
			r.seps = append(r.seps, sep)
			r.starts = append(r.starts, i)
			i = j
			if wordAt(text, i) {
				// The last group is glued to a word: keep the groups
				// before it.
				r.groups, r.seps, r.starts = r.groups[:len(r.groups)-1], r.seps[:len(r.seps)-1], r.starts[:len(r.starts)-1]
				for i < len(text) && wordAt(text, i) {
					_, size := utf8.DecodeRuneInString(text[i:])
					i += size
				}
				break
			}
			r.end = j
			if sep = separatorAt(text, i); sep != "" {
				i += len(sep)
				continue
			}
			break
		}
		if len(r.groups) > 0 {
			runs = append(runs, r)
		}
	}
	return runs
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// FindPersonnummer returns the valid personnummer and samordningsnummer in
// text: 12 or 10 digits, or 8 or 6 digits and 4 digits joined by '-', '+'
// or a space, or the date in groups ("1912 12 12-1212"), digits of any
// script (full-width ０-９ too). Candidates must pass the date and Luhn
// checks, so invoice numbers, dates and postal codes are not reported.
// Each is reported as written in text, so that masking finds it.
func FindPersonnummer(text string) []string { return scanNumbers(text).personnummer() }

// numbers is a text's runs of digit groups, found once for the
// personnummer and the phone scanner.
type numbers struct {
	text, norm string // norm: text with ASCII digits (see asciiDigits)
	orig       []int
	runs       []digitRun
}

func scanNumbers(text string) numbers {
	norm, orig := asciiDigits(text)
	return numbers{text: text, norm: norm, orig: orig, runs: digitRuns(norm)}
}

// written returns the part of the text that norm[start:end] came from.
func (n numbers) written(start, end int) string {
	if n.orig == nil {
		return n.norm[start:end]
	}
	return n.text[n.orig[start]:n.orig[end]]
}

// personnummer is FindPersonnummer.
func (n numbers) personnummer() []string {
	var out []string
	for _, r := range n.runs {
		for k := 0; k < len(r.groups); k++ {
			g := r.groups[k]
			plain, end := "", 0
			switch {
			case (len(g) == 12 || len(g) == 10) && alone(r, k, k):
				plain, end = g, r.starts[k]+len(g)
			case (len(g) == 8 || len(g) == 6) && k+1 < len(r.groups) && len(r.groups[k+1]) == 4 && alone(r, k, k+1):
				// Parse with a plain separator.
				sep := "-"
				if sepCore(r.seps[k+1]) == "+" {
					sep = "+"
				}
				plain, end = g+sep+r.groups[k+1], r.starts[k+1]+4
			case groupedDate(r, k) && alone(r, k, k+3):
				// "1912 12 12-1212", "1912-12-12-1212".
				sep := "-"
				if sepCore(r.seps[k+3]) == "+" {
					sep = "+"
				}
				plain, end = g+r.groups[k+1]+r.groups[k+2]+sep+r.groups[k+3], r.starts[k+3]+4
			}
			if plain == "" {
				continue
			}
			if _, err := idnum.ParsePersonnummer(plain, nil); err == nil {
				out = append(out, n.written(r.starts[k], end))
			}
		}
	}
	return out
}

// groupedDate reports whether groups k..k+3 of r are a personnummer
// written with its date in groups: year (four or two digits), month and
// day joined alike (by spaces, or by dashes), then a dash or '+' and the
// four last digits. A date and a time ("2026 11 25 1430") are not one.
func groupedDate(r digitRun, k int) bool {
	if k+3 >= len(r.groups) {
		return false
	}
	y, m, d, n := r.groups[k], r.groups[k+1], r.groups[k+2], r.groups[k+3]
	if len(y) != 4 && len(y) != 2 || len(m) != 2 || len(d) != 2 || len(n) != 4 {
		return false
	}
	if isHyphen(r.seps[k+1]) != isHyphen(r.seps[k+2]) || sepCore(r.seps[k+1]) == "+" || sepCore(r.seps[k+2]) == "+" {
		return false
	}
	return sepCore(r.seps[k+3]) != ""
}

// asciiDigits returns text with every decimal digit of another script
// (full-width, Arabic-Indic, ...) written as its ASCII digit, and for each
// byte of the result (and its end) the offset in text it came from; orig
// is nil when text has no such digit and the result is text itself.
func asciiDigits(text string) (string, []int) {
	if !hasOtherDigit(text) {
		return text, nil
	}
	var b strings.Builder
	orig := make([]int, 0, len(text)+1)
	for j := 0; j < len(text); {
		r, size := utf8.DecodeRuneInString(text[j:])
		if r >= utf8.RuneSelf && unicode.IsDigit(r) {
			b.WriteByte(byte('0' + digitValue(r)))
			orig = append(orig, j)
		} else {
			b.WriteString(text[j : j+size]) // as it was, invalid bytes too
			for k := range size {
				orig = append(orig, j+k)
			}
		}
		j += size
	}
	return b.String(), append(orig, len(text))
}

// hasOtherDigit reports whether text has a decimal digit outside ASCII. It
// decodes no rune whose first byte is below 0xD9: the first digits outside
// ASCII are U+0660 (Arabic-Indic), so ASCII and Latin letters (åäö) are
// passed over byte by byte.
func hasOtherDigit(text string) bool {
	for i := 0; i < len(text); {
		if text[i] < 0xD9 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsDigit(r) {
			return true
		}
		i += size
	}
	return false
}

// digitValue returns the value of a decimal digit: Unicode puts each
// script's digits 0 to 9 in a row (some scripts several rows back to back).
func digitValue(r rune) int {
	zero := r
	for unicode.IsDigit(zero - 1) {
		zero--
	}
	return int(r-zero) % 10
}

// alone reports whether groups from..to of r are a number of their own:
// not continued by a hyphen-joined group on either side (a hyphen binds
// tighter than a space: "2026-1912121212" is one number).
func alone(r digitRun, from, to int) bool {
	if from > 0 && isHyphen(r.seps[from]) {
		return false
	}
	if to+1 < len(r.groups) && isHyphen(r.seps[to+1]) {
		return false
	}
	return true
}

// isHyphen reports whether a separator is (or has at its core) a dash.
func isHyphen(sep string) bool {
	r, _ := utf8.DecodeRuneInString(sepCore(sep))
	return isDash(r)
}

// FindEmail returns the e-mail addresses in text.
func FindEmail(text string) []string {
	if strings.IndexByte(text, '@') < 0 {
		return nil
	}
	return emailRE.FindAllString(text, -1)
}

// FindPhone returns the phone numbers in text: E.164 numbers (+46 70 ...,
// 0046...), and Swedish national numbers written with separators
// (070-123 45 67, 08-12 34 56) or as a bare ten-digit mobile number
// (07XXXXXXXX). Bare digit strings of other shapes (invoice and customer
// numbers), dates and personnummer are not reported.
func FindPhone(text string) []string { return scanNumbers(text).phones() }

// phones is FindPhone.
func (ns numbers) phones() []string {
	var out []string
	for _, r := range ns.runs {
		digits := strings.Join(r.groups, "")
		first := r.groups[0]
		n := len(digits)
		switch {
		case r.plus || strings.HasPrefix(first, "00"):
			d := digits
			if !r.plus {
				d = d[2:]
			}
			if len(d) >= 8 && len(d) <= 15 && d[0] != '0' {
				out = append(out, ns.written(r.start, r.end))
			}
		case len(r.groups) > 1 && first[0] == '0' && len(first) >= 2 && first[1] != '0' && len(first) <= 4:
			// National with separators: an area code of 2 to 4 digits.
			if n >= 8 && n <= 10 {
				out = append(out, ns.written(r.start, r.end))
			}
		case len(r.groups) == 1 && n == 10 && strings.HasPrefix(digits, "07"):
			out = append(out, ns.written(r.start, r.end))
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
	return append(flags, freeTextFlags(v.Text(), path, doc)...)
}

// freeTextFlags flags the personal data found in free text at path of
// document doc: personnummer (date- and Luhn-checked), e-mail addresses
// and phone numbers, one flag per kind found; none when it holds none.
func freeTextFlags(text, path, doc string) []Flag {
	var flags []Flag
	nums := scanNumbers(text)
	if len(nums.personnummer()) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityIdentityNumber), Reason: "freeText:personnummer"})
	}
	if len(FindEmail(text)) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityContact), Reason: "freeText:email"})
	}
	if len(nums.phones()) > 0 {
		flags = append(flags, Flag{Document: doc, Path: path, Kind: string(form.SensitivityContact), Reason: "freeText:phone"})
	}
	return flags
}

func sensitiveFlag(fd *form.Field, path, doc string) Flag {
	return Flag{Document: doc, Path: path, Kind: string(fd.Sensitivity.Kind), Reason: "field",
		OSL: fd.Sensitivity.OSL, Article9: fd.Sensitivity.Article9}
}

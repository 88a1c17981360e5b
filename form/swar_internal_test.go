package form

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The word-at-a-time text scan must agree with plain loops on every input:
// these tests compare it with a straightforward reference implementation,
// at every alignment of the interesting bytes.

func refScanText(s string, multiline bool) textScan {
	r := textScan{runes: utf8.RuneCountInString(s), invalid: !utf8.ValidString(s), escape: !refPlainJSON(s)}
	for _, c := range s {
		if (c < 0x20 || c >= 0x7f && c <= 0x9f) && !(multiline && (c == '\n' || c == '\r' || c == '\t')) {
			r.control = true
		}
	}
	return r
}

func refPlainJSON(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// swarCases puts each interesting piece at every offset of a 24-byte
// ASCII run, so that it lands in words, across words and in the tail.
func swarCases() []string {
	pieces := []string{"", "a", "\x00", "\x1f", "\x20", "\x7f", "\x80", "\n", "\r", "\t", `"`, `\`,
		"ä", "å", "\u0080", "\u009f", "\u00a0", "\u2028", "\u2029", "\u2027", "\u202a", "€", "😀",
		"\xc2", "\xe2", "\xe2\x80", "\xff", "\xc3\x28", "\xed\xa0\x80"}
	var out []string
	for _, p := range pieces {
		for off := 0; off <= 24; off++ {
			out = append(out, strings.Repeat("x", off)+p+strings.Repeat("y", 24-off))
			out = append(out, strings.Repeat("é", off/2)+p) // non-ASCII words around it
		}
	}
	return out
}

func TestScanTextMatchesReference(t *testing.T) {
	for _, s := range swarCases() {
		for _, multiline := range []bool{false, true} {
			checkScanText(t, s, multiline)
		}
	}
}

func checkScanText(t *testing.T, s string, multiline bool) {
	t.Helper()
	if got, want := scanText(s, multiline), refScanText(s, multiline); got != want {
		t.Errorf("scanText(%q, %v) = %+v, want %+v", s, multiline, got, want)
	}
}

func FuzzScanText(f *testing.F) {
	for _, s := range swarCases()[:40] {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		checkScanText(t, s, multiline)
	})
}

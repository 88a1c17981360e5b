package form

import (
	"math/bits"
	"unicode/utf8"
)

// Word-at-a-time ("SWAR") helpers for the text scans on the save and
// submit paths: they look at 8 bytes per step and fall back to a byte loop
// only for a word that holds something to look at closely. The tricks are
// the classic ones (Hacker's Delight, "Bit Twiddling Hacks"); each reports
// whether any byte of x matches, exactly, with the match bits in the high
// bit of each byte (the position of all but the first match may be off,
// so callers only test for zero).
const (
	lsbs = 0x0101010101010101
	msbs = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word; the compiler turns it
// into one load.
func load64(s string, i int) uint64 {
	w := s[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// bytesBelow is non-zero when a byte of x is below n (n <= 128).
func bytesBelow(x uint64, n byte) uint64 { return (x - lsbs*uint64(n)) &^ x & msbs }

// bytesEqual is non-zero when a byte of x equals b.
func bytesEqual(x uint64, b byte) uint64 {
	y := x ^ (lsbs * uint64(b))
	return (y - lsbs) &^ y & msbs
}

// textScan is what one pass over a text answer finds.
type textScan struct {
	runes   int  // the rune count, as utf8.RuneCountInString
	control bool // a C0 control (but newline, CR and tab when multiline), DEL or a C1 control
	invalid bool // not valid UTF-8
	escape  bool // something appendString escapes: '"', '\\', a control, U+2028 or U+2029
}

// scanText counts the runes of s, validates its UTF-8 and finds control
// characters and anything a JSON string must escape, in one pass: words of
// ASCII 8 bytes at a time, other runes one at a time.
func scanText(s string, multiline bool) textScan {
	var r textScan
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			x := load64(s, i)
			// The ASCII bytes before the first non-ASCII one (all 8 when
			// there is none); look at them one by one only when one is
			// special.
			n := 8
			if hi := x & msbs; hi != 0 {
				n = bits.TrailingZeros64(hi) >> 3
			}
			if bytesBelow(x, 0x20)|bytesEqual(x, 0x7f)|bytesEqual(x, '"')|bytesEqual(x, '\\') != 0 {
				for j := i; j < i+n; j++ {
					r.ascii(s[j], multiline)
				}
			}
			r.runes += n
			i += n
			if n == 8 || i >= len(s) {
				continue
			}
		}
		if c := s[i]; c < utf8.RuneSelf {
			r.runes++
			r.ascii(c, multiline)
			i++
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		r.runes++
		switch {
		case c == utf8.RuneError && size == 1:
			r.invalid, r.escape = true, true // each bad byte counts as a rune, as in utf8.RuneCountInString
		case c <= 0x9f:
			r.control = true // U+0080 to U+009F (JSON keeps them as they are)
		case c == '\u2028' || c == '\u2029':
			r.escape = true
		}
		i += size
	}
	return r
}

// ascii notes one ASCII byte of a text.
func (r *textScan) ascii(c byte, multiline bool) {
	switch {
	case c == '"' || c == '\\':
		r.escape = true
	case c < 0x20 || c == 0x7f:
		r.escape = true
		if !multiline || c != '\n' && c != '\r' && c != '\t' {
			r.control = true
		}
	}
}

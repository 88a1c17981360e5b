package form

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CompareSwedish compares two texts in Swedish alphabetical order (svensk
// sorteringsordning), for lists shown to people such as the catalogue of
// e-services: letters regardless of case, a to z and then å, ä, ö; accented
// letters with their base letter (é as e), ü as y, æ as ä and ø as ö; digits
// before letters, and spaces and punctuation before digits. Texts equal in
// that order are ordered by their bytes, so the order is total. It returns
// -1, 0 or +1, as strings.Compare does.
func CompareSwedish(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		rx, nx := utf8.DecodeRuneInString(x)
		ry, ny := utf8.DecodeRuneInString(y)
		if kx, ky := swedishKey(rx), swedishKey(ry); kx != ky {
			if kx < ky {
				return -1
			}
			return 1
		}
		x, y = x[nx:], y[ny:]
	}
	switch {
	case x == "" && y != "":
		return -1
	case x != "" && y == "":
		return 1
	}
	return strings.Compare(a, b)
}

// swedishKey is the primary sort weight of r: spaces and punctuation (by
// code point) < digits < a-z, å, ä, ö < other letters.
func swedishKey(r rune) int {
	const digits, letters, others = 1 << 20, 2 << 20, 3 << 20
	r = unicode.ToLower(r)
	switch r {
	case 'å':
		return letters + 26
	case 'ä', 'æ':
		return letters + 27
	case 'ö', 'ø':
		return letters + 28
	case 'ü', 'ÿ', 'ý':
		r = 'y'
	case 'á', 'à', 'â', 'ã':
		r = 'a'
	case 'é', 'è', 'ê', 'ë':
		r = 'e'
	case 'í', 'ì', 'î', 'ï':
		r = 'i'
	case 'ó', 'ò', 'ô', 'õ':
		r = 'o'
	case 'ú', 'ù', 'û':
		r = 'u'
	case 'ç':
		r = 'c'
	case 'ñ':
		r = 'n'
	}
	switch {
	case r >= 'a' && r <= 'z':
		return letters + int(r-'a')
	case r >= '0' && r <= '9':
		return digits + int(r-'0')
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return others + int(r)
	}
	return int(r)
}

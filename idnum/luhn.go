package idnum

// Luhn reports whether digits, a string of ASCII digits whose last digit is
// the check digit, passes the Luhn (modulus 10) check. It returns false for
// an empty string or any character that is not a digit.
//
// For a personnummer the check covers the ten digits YYMMDDNNNC (not the
// century); for an organisationsnummer its ten digits (not a "16" prefix).
func Luhn(digits string) bool {
	if digits == "" {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += luhnDigit(c, double)
		double = !double
	}
	return sum%10 == 0
}

// luhn10 is Luhn over ten bytes already known to be digits.
func luhn10(b *[10]byte) bool {
	sum := 0
	for i := range 10 {
		// From the right, the check digit (index 9) is not doubled, index 8
		// is, and so on: the even indexes are doubled.
		sum += luhnDigit(b[i], i%2 == 0)
	}
	return sum%10 == 0
}

func luhnDigit(c byte, double bool) int {
	d := int(c - '0')
	if double {
		d *= 2
		if d > 9 {
			d -= 9
		}
	}
	return d
}

package identity

import (
	"errors"
	"time"
)

// checkPersonnummer validates a personnummer or samordningsnummer in the
// normal form of 12 digits: a real calendar date (day+60 for a
// samordningsnummer) and a Luhn check digit over the last 10 digits.
func checkPersonnummer(v string) error {
	if len(v) != 12 || !isDigits(v) {
		return errors.New("want 12 digits")
	}
	y := atoi(v[0:4])
	m := atoi(v[4:6])
	d := atoi(v[6:8])
	if d > 60 {
		d -= 60
	}
	if y < 1800 || m < 1 || m > 12 || d < 1 || d > 31 {
		return errors.New("invalid date")
	}
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return errors.New("invalid date")
	}
	if !luhn(v[2:]) {
		return errors.New("invalid check digit")
	}
	return nil
}

// checkOrganisationsnummer validates an organisationsnummer in the normal
// form of 10 digits: the third digit is at least 2 (so it cannot be a
// personnummer) and the Luhn check digit matches.
func checkOrganisationsnummer(v string) error {
	if len(v) != 10 || !isDigits(v) {
		return errors.New("want 10 digits")
	}
	if v[2] < '2' {
		return errors.New("not an organisation number")
	}
	if !luhn(v) {
		return errors.New("invalid check digit")
	}
	return nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// luhn reports whether the digit string s has a valid Luhn check digit in
// its last position.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Package idnum parses, validates, normalises and formats Swedish identity
// numbers: personnummer, samordningsnummer (coordination numbers), interim
// numbers and organisationsnummer.
//
// It is a leaf package that imports only the standard library. The form
// package uses it for its personnummer and organisationsnummer field types,
// and the identity package for subjects of the schemes se-pnr (the 12-digit
// normal form of Personnummer.String) and se-orgnr (the 10 digits of
// Organisationsnummer.String).
//
//	p, err := idnum.ParsePersonnummer("121212-1212", &idnum.Options{Now: clock})
//	if err != nil {
//		// errors.Is(err, idnum.ErrChecksum), ...
//	}
//	store(p.String())                 // "191212121212"
//	logger.Info("applicant", "pnr", p) // logs 19121212-**** (slog.LogValuer)
//
// # Personnummer
//
// ParsePersonnummer accepts the 10- and 12-digit forms with or without a
// separator and returns a Personnummer in the normal form YYYYMMDDNNNC. For
// the 10-digit forms the century comes from the clock in Options: the birth
// date is the latest one not in the future, and the "+" separator means 100
// years or older. A samordningsnummer has 60 added to the day of birth;
// Skatteverket issues some with month 00 or day 60 when the month or day is
// unknown, and even days the month lacks (30 February); these are accepted
// (see Personnummer.HasFullBirthDate).
// Interim numbers, with a letter in place of the first digit of the birth
// number, are rejected unless Options.AllowInterim is set.
//
// # Organisationsnummer
//
// ParseOrganisationsnummer accepts 10 digits with or without a hyphen, also
// with the "16" prefix. The third digit is 2 or more, which keeps the number
// space apart from personnummer, and the first digit gives the legal-form
// Group. A sole trader (enskild firma) has no organisationsnummer and is
// identified by the owner's personnummer; ParseOrganisationsnummer rejects
// such input with an error matching both ErrSyntax and ErrSoleTrader, and
// ParseBusinessID accepts either kind of number.
//
// # Personal data
//
// Personnummer are personal data. No error string contains the input.
// Personnummer.LogValue and BusinessID.LogValue mask the number
// (YYYYMMDD-****), so values passed to log/slog are safe; use Masked in list
// views. String, Format and MarshalText give the full number and are meant
// for storage and for the holder's own view.
//
// # Errors
//
// Parse errors match one of the sentinels with errors.Is:
//
//   - ErrSyntax: wrong length, characters or separator; an organisationsnummer
//     with a month position below 20 or an unassigned group digit.
//   - ErrChecksum: the Luhn check digit is wrong.
//   - ErrDate: a date that does not exist, lies in the future, lies before
//     1800 or contradicts a "+" separator.
//   - ErrInterim: a valid interim number when they are not allowed.
//   - ErrSoleTrader (with ErrSyntax): a personnummer given as an
//     organisationsnummer.
//
// The checks run in that order, so an input with a wrong check digit reports
// ErrChecksum even if its date is also impossible.
package idnum

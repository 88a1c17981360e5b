package idnum

// Text is a user-facing text in Swedish with an English version alongside.
type Text struct {
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In returns the text in lang ("sv" or "en"); any other language, or a
// missing English text, gives the Swedish text.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// String returns the Swedish text.
func (t Text) String() string { return t.SV }

// Kind tells which sort of personal identity number a Personnummer holds.
// The zero value, KindUnknown, is the kind of the zero Personnummer.
type Kind int

const (
	// KindUnknown is the kind of the zero Personnummer.
	KindUnknown Kind = iota
	// KindPersonnummer is an ordinary personnummer, issued to people who
	// are or have been registered in Sweden (folkbokförda).
	KindPersonnummer
	// KindSamordningsnummer is a samordningsnummer (coordination number),
	// issued to people who are not folkbokförda: the day of birth plus 60.
	KindSamordningsnummer
	// KindInterim is an interim number: a letter in place of the first
	// digit of the birth number, issued outside Skatteverket (for example
	// in health care) to people who have no personnummer yet.
	KindInterim
)

// String returns a stable lower-case identifier: "personnummer",
// "samordningsnummer", "interim" or "unknown".
func (k Kind) String() string {
	switch k {
	case KindPersonnummer:
		return "personnummer"
	case KindSamordningsnummer:
		return "samordningsnummer"
	case KindInterim:
		return "interim"
	default:
		return "unknown"
	}
}

// Name returns the display name of the kind in Swedish and English.
func (k Kind) Name() Text {
	switch k {
	case KindPersonnummer:
		return Text{SV: "Personnummer", EN: "Personal identity number"}
	case KindSamordningsnummer:
		return Text{SV: "Samordningsnummer", EN: "Coordination number"}
	case KindInterim:
		return Text{SV: "Interimsnummer", EN: "Interim number"}
	default:
		return Text{SV: "Okänt", EN: "Unknown"}
	}
}

// Group is the legal-form group of an organisation, given by the first digit
// of its organisationsnummer. The constants for digits 1 to 9 have the value
// of that digit; digit 4 is not assigned. GroupSoleTrader has no digit: a sole
// trader (enskild firma) is identified by a personnummer (see BusinessID).
type Group int

const (
	// GroupUnknown is the group of the zero Organisationsnummer.
	GroupUnknown Group = 0
	// GroupEstate is 1: dödsbon (estates of deceased persons).
	GroupEstate Group = 1
	// GroupPublic is 2: the state, regions and municipalities (stat,
	// regioner och kommuner), including their authorities.
	GroupPublic Group = 2
	// GroupForeign is 3: foreign companies with business or property in
	// Sweden (utländska företag).
	GroupForeign Group = 3
	// GroupLimitedCompany is 5: aktiebolag.
	GroupLimitedCompany Group = 5
	// GroupSimplePartnership is 6: enkla bolag.
	GroupSimplePartnership Group = 6
	// GroupEconomicAssociation is 7: ekonomiska föreningar, including
	// bostadsrättsföreningar (housing cooperatives).
	GroupEconomicAssociation Group = 7
	// GroupNonProfit is 8: ideella föreningar och stiftelser (non-profit
	// associations and foundations).
	GroupNonProfit Group = 8
	// GroupPartnership is 9: handelsbolag och kommanditbolag (trading and
	// limited partnerships).
	GroupPartnership Group = 9
	// GroupSoleTrader is enskild firma: a sole trader, identified by the
	// owner's personnummer. ParseOrganisationsnummer never returns it.
	GroupSoleTrader Group = 10
)

// Name returns the name of the legal form in Swedish and English, in the
// singular, as it describes one organisation ("Aktiebolag", "Enskild firma").
func (g Group) Name() Text {
	switch g {
	case GroupEstate:
		return Text{SV: "Dödsbo", EN: "Estate of a deceased person"}
	case GroupPublic:
		return Text{SV: "Stat, region eller kommun", EN: "Government agency, region or municipality"}
	case GroupForeign:
		return Text{SV: "Utländskt företag", EN: "Foreign company"}
	case GroupLimitedCompany:
		return Text{SV: "Aktiebolag", EN: "Limited company"}
	case GroupSimplePartnership:
		return Text{SV: "Enkelt bolag", EN: "Simple partnership"}
	case GroupEconomicAssociation:
		return Text{SV: "Ekonomisk förening eller bostadsrättsförening", EN: "Economic association or housing cooperative"}
	case GroupNonProfit:
		return Text{SV: "Ideell förening eller stiftelse", EN: "Non-profit association or foundation"}
	case GroupPartnership:
		return Text{SV: "Handelsbolag eller kommanditbolag", EN: "Trading or limited partnership"}
	case GroupSoleTrader:
		return Text{SV: "Enskild firma", EN: "Sole trader"}
	default:
		return Text{SV: "Okänd", EN: "Unknown"}
	}
}

// String returns the Swedish name.
func (g Group) String() string { return g.Name().SV }

// groupOf maps the first digit of an organisationsnummer to its group;
// ok is false for 0 and 4, which are not assigned.
func groupOf(digit byte) (Group, bool) {
	switch digit {
	case '1', '2', '3', '5', '6', '7', '8', '9':
		return Group(digit - '0'), true
	default:
		return GroupUnknown, false
	}
}

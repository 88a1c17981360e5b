package bankidtest

import (
	"hash/fnv"
	"strings"
)

// Person is a test user of the fake: a personal number and the names the
// completion data reports.
type Person struct {
	// PersonalNumber is 12 digits.
	PersonalNumber string
	// GivenName and Surname as BankID reports them.
	GivenName, Surname string
}

// Name is "GivenName Surname", as in the completion data.
func (p Person) Name() string { return strings.TrimSpace(p.GivenName + " " + p.Surname) }

// defaultPersons are Skatteverket test personnummer (open data
// "Testpersonnummer", file "Testpersonnummer 1950-1979.csv"; the project
// copy is testdata/skatteverket/, see its SOURCE.md). The names are
// invented for the fake and belong to no one.
var defaultPersons = []Person{
	{"195001182046", "Astrid", "Testsson"},
	{"196001209136", "Bertil", "Provsson"},
	{"197601052397", "Carl", "Exempelsson"},
	{"197607042392", "David", "Fejksson"},
	{"197707032384", "Eva", "Lagom"},
	{"197712312383", "Frida", "Nyårsdotter"},
	{"197807012385", "Greta", "Sommar"},
	{"197906262394", "Hugo", "Midsommar"},
}

// Persons returns the fake's built-in test persons (Skatteverket test
// personnummer with invented names). The first is the conventional
// default user.
func Persons() []Person { return append([]Person(nil), defaultPersons...) }

var (
	fallbackGiven   = []string{"Alva", "Bo", "Cilla", "Dag", "Elsa", "Folke", "Gun", "Harald"}
	fallbackSurname = []string{"Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Falk", "Gran", "Holm"}
)

// inventPerson gives a personal number outside the built-in list stable,
// invented names.
func inventPerson(pnr string) Person {
	h := fnv.New32a()
	h.Write([]byte(pnr))
	n := h.Sum32()
	return Person{
		PersonalNumber: pnr,
		GivenName:      fallbackGiven[n%uint32(len(fallbackGiven))],
		Surname:        fallbackSurname[(n/8)%uint32(len(fallbackSurname))],
	}
}

package idnum_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/etjanst/etjanst/idnum"
)

// A fixed clock makes the century rule deterministic; production code
// leaves Options.Now nil (time.Now).
func exampleClock() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }

func ExampleParsePersonnummer() {
	opts := &idnum.Options{Now: exampleClock}
	for _, in := range []string{"19121212-1212", "121212+1212", "121212-1212", "701063-2391", "19121212-1213"} {
		p, err := idnum.ParsePersonnummer(in, opts)
		switch {
		case errors.Is(err, idnum.ErrChecksum):
			fmt.Println("wrong check digit")
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(p, p.Kind())
		}
	}
	// Output:
	// 191212121212 personnummer
	// 191212121212 personnummer
	// 201212121212 personnummer
	// 197010632391 samordningsnummer
	// wrong check digit
}

func ExampleParsePersonnummer_interim() {
	_, err := idnum.ParsePersonnummer("20000101-T220", nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, idnum.ErrInterim))

	p, err := idnum.ParsePersonnummer("20000101-T220", &idnum.Options{AllowInterim: true})
	fmt.Println(p, p.Kind(), err)
	// Output:
	// idnum: interim numbers not accepted: interim number
	// true
	// 20000101T220 interim <nil>
}

func ExamplePersonnummer_Format() {
	p, _ := idnum.ParsePersonnummer("191212121212", &idnum.Options{Now: exampleClock})
	fmt.Println(p.String())
	fmt.Println(p.Format())
	fmt.Println(p.Short(exampleClock()))
	fmt.Println(p.Short(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)))
	// Output:
	// 191212121212
	// 19121212-1212
	// 121212+1212
	// 121212-1212
}

func ExamplePersonnummer_Masked() {
	p, _ := idnum.ParsePersonnummer("19121212-1212", &idnum.Options{Now: exampleClock})
	fmt.Println(p.Masked())

	// slog uses LogValue, which masks.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	logger.Info("login", "pnr", p)
	// Output:
	// 19121212-****
	// level=INFO msg=login pnr=19121212-****
}

func ExamplePersonnummer_BirthDate() {
	opts := &idnum.Options{Now: exampleClock}
	for _, in := range []string{"19460823-9986", "19150072-2390"} {
		p, _ := idnum.ParsePersonnummer(in, opts)
		fmt.Println(p.BirthDate().Format(time.DateOnly), p.HasFullBirthDate(), p.Age(exampleClock()), p.IsFemale())
	}
	// Output:
	// 1946-08-23 true 77 true
	// 1915-01-12 false 109 false
}

func ExampleParseOrganisationsnummer() {
	o, err := idnum.ParseOrganisationsnummer("16556016-0680")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o, o.Format(), o.Group(), "/", o.Group().Name().EN, o.VATNumber())

	_, err = idnum.ParseOrganisationsnummer("121212-1212")
	fmt.Println(errors.Is(err, idnum.ErrSyntax), errors.Is(err, idnum.ErrSoleTrader))
	// Output:
	// 5560160680 556016-0680 Aktiebolag / Limited company SE556016068001
	// true true
}

func ExampleParseBusinessID() {
	opts := &idnum.Options{Now: exampleClock}
	for _, in := range []string{"556016-0680", "19121212-1212"} {
		b, err := idnum.ParseBusinessID(in, opts)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(b.Group(), b.IsSoleTrader(), b.Masked(), b.VATNumber())
	}
	// Output:
	// Aktiebolag false 556016-0680 SE556016068001
	// Enskild firma true 19121212-**** SE121212121201
}

func ExampleLuhn() {
	fmt.Println(idnum.Luhn("1212121212"), idnum.Luhn("1212121213"))
	// Output: true false
}

package bankid

import (
	"errors"

	"github.com/etjanst/etjanst/identity"
)

// RFA identifies one of BankID's recommended user messages ("RFA1" ...
// "RFA23"). Show Text() to the user; never show hint or error codes.
type RFA string

// The recommended user messages of BankID.
const (
	RFA1   RFA = "RFA1"
	RFA2   RFA = "RFA2"
	RFA3   RFA = "RFA3"
	RFA4   RFA = "RFA4"
	RFA5   RFA = "RFA5"
	RFA6   RFA = "RFA6"
	RFA8   RFA = "RFA8"
	RFA9   RFA = "RFA9"
	RFA13  RFA = "RFA13"
	RFA14A RFA = "RFA14A"
	RFA14B RFA = "RFA14B"
	RFA15A RFA = "RFA15A"
	RFA15B RFA = "RFA15B"
	RFA16  RFA = "RFA16"
	RFA17A RFA = "RFA17A"
	RFA17B RFA = "RFA17B"
	RFA18  RFA = "RFA18"
	RFA19  RFA = "RFA19"
	RFA20  RFA = "RFA20"
	RFA21  RFA = "RFA21"
	RFA22  RFA = "RFA22"
	RFA23  RFA = "RFA23"
)

// rfaTexts are BankID's recommended user messages in Swedish and English
// (BankID Relying Party Guidelines, "Recommended user messages").
var rfaTexts = map[RFA]identity.Text{
	RFA1: {SV: "Starta BankID-appen.", EN: "Start your BankID app."},
	RFA2: {SV: "Du har inte BankID-appen installerad. Kontakta din bank.",
		EN: "The BankID app is not installed. Please contact your bank."},
	RFA3: {SV: "Åtgärden avbruten. Försök igen.", EN: "Action cancelled. Please try again."},
	RFA4: {SV: "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
		EN: "An identification or signing for this personal number is already started. Please try again."},
	RFA5: {SV: "Internt tekniskt fel. Försök igen.", EN: "Internal error. Please try again."},
	RFA6: {SV: "Åtgärden avbruten.", EN: "Action cancelled."},
	RFA8: {SV: "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
		EN: "The BankID app is not responding. Please check that it’s started and that you have internet access. If you don’t have a valid BankID you can get one from your bank. Try again."},
	RFA9: {SV: "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
		EN: "Enter your security code in the BankID app and select Identify or Sign."},
	RFA13: {SV: "Försöker starta BankID-appen.", EN: "Trying to start your BankID app."},
	RFA14A: {SV: "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
		EN: "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device."},
	RFA14B: {SV: "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
		EN: "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank. If you have a BankID on another device you can start the BankID app on that device."},
	RFA15A: {SV: "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
		EN: "Searching for BankID:s, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this computer. If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank."},
	RFA15B: {SV: "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank.",
		EN: "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don’t have a BankID which can be used for this identification/signing on this device. If you don’t have a BankID you can get one from your bank."},
	RFA16: {SV: "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
		EN: "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank."},
	RFA17A: {SV: "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.",
		EN: "The BankID app couldn’t be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com."},
	RFA17B: {SV: "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.",
		EN: "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com."},
	RFA18: {SV: "Starta BankID-appen.", EN: "Start the BankID app."},
	RFA19: {SV: "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
		EN: "Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?"},
	RFA20: {SV: "Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?",
		EN: "Would you like to identify yourself or sign with a BankID on this device or with a BankID on another device?"},
	RFA21: {SV: "Identifiering eller underskrift pågår.", EN: "Identification or signing in progress."},
	RFA22: {SV: "Okänt fel. Försök igen.", EN: "Unknown error. Please try again."},
	RFA23: {SV: "Fotografera och läs av din ID-handling med BankID-appen.",
		EN: "Process your machine-readable travel document using the BankID app."},
}

// Text returns the message in Swedish and English; an unknown RFA gives
// the text of RFA22 ("Unknown error").
func (r RFA) Text() identity.Text {
	if t, ok := rfaTexts[r]; ok {
		return t
	}
	return rfaTexts[RFA22]
}

// Known reports whether r is one of BankID's recommended messages.
func (r RFA) Known() bool { _, ok := rfaTexts[r]; return ok }

// MessageContext describes how the order was started, which selects
// between variants of the recommended messages.
type MessageContext struct {
	// AutoStarted: the RP tried to start the app on the same device (with
	// the autoStartToken). Selects RFA13 over RFA1 while outstanding, and
	// RFA17A over RFA17B when the start failed.
	AutoStarted bool
	// QR: the user scans an (animated) QR code. Selects RFA17B when the
	// start failed.
	QR bool
	// Mobile: the user is on a mobile device (B variants of RFA14/RFA15),
	// otherwise a computer (A variants).
	Mobile bool
	// PersonalNumber: the order was restricted to a personal number
	// (selects RFA15 over RFA14 when searching for a BankID).
	PersonalNumber bool
}

// Status values of a collect response.
const (
	StatusPending  = "pending"
	StatusFailed   = "failed"
	StatusComplete = "complete"
)

// HintMessage maps a collect status and hint code to the recommended user
// message. Unknown pending hints give RFA21, unknown failed hints RFA22.
// A complete order has no message and yields "".
func HintMessage(status, hint string, mc MessageContext) RFA {
	switch status {
	case StatusPending:
		switch hint {
		case HintOutstandingTransaction, HintNoClient:
			if hint == HintOutstandingTransaction && mc.AutoStarted {
				return RFA13
			}
			return RFA1
		case HintStarted:
			switch {
			case mc.PersonalNumber && mc.Mobile:
				return RFA15B
			case mc.PersonalNumber:
				return RFA15A
			case mc.Mobile:
				return RFA14B
			default:
				return RFA14A
			}
		case HintUserMRTD:
			return RFA23
		case HintUserSign:
			return RFA9
		default: // userCallConfirm and unknown pending hints
			return RFA21
		}
	case StatusFailed:
		switch hint {
		case HintExpiredTransaction:
			return RFA8
		case HintCertificateErr:
			return RFA16
		case HintUserCancel, HintUserDeclinedCall:
			return RFA6
		case HintCancelled:
			return RFA3
		case HintStartFailed:
			if mc.QR && !mc.AutoStarted {
				return RFA17B
			}
			return RFA17A
		default:
			return RFA22
		}
	case StatusComplete:
		return ""
	}
	return RFA22
}

// ErrorMessage maps an error from the client to the recommended user
// message: RFA4 for ErrAlreadyInProgress; RFA5 for ErrRequestTimeout,
// ErrInternal and ErrMaintenance; the hint's message for an
// *OrderFailedError; RFA22 for everything else.
func ErrorMessage(err error) RFA {
	var failed *OrderFailedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &failed):
		return HintMessage(StatusFailed, failed.HintCode, MessageContext{})
	case errors.Is(err, ErrAlreadyInProgress):
		return RFA4
	case errors.Is(err, ErrRequestTimeout), errors.Is(err, ErrInternal), errors.Is(err, ErrMaintenance):
		return RFA5
	}
	return RFA22
}

package bankid

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// QRData returns the content of the animated QR code for the given number
// of whole seconds since the order was started:
//
//	bankid.<qrStartToken>.<seconds>.<hex(HMAC-SHA256(qrStartSecret, seconds))>
//
// The code must be regenerated every second; keep qrStartSecret on the
// server and send only the result to the browser.
func QRData(qrStartToken, qrStartSecret string, seconds int) string {
	if seconds < 0 {
		seconds = 0
	}
	t := strconv.Itoa(seconds)
	return "bankid." + qrStartToken + "." + t + "." + qrAuthCode(qrStartSecret, t)
}

func qrAuthCode(secret, t string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(t))
	return hex.EncodeToString(m.Sum(nil))
}

// QRSeconds returns the whole seconds elapsed from start to now, the time
// component of the animated QR code (never negative).
func QRSeconds(start, now time.Time) int {
	d := now.Sub(start)
	if d < 0 {
		return 0
	}
	return int(d / time.Second)
}

// ErrBadQR reports QR data that is malformed or whose authentication code
// does not match.
var ErrBadQR = errors.New("bankid: invalid QR code")

// MaxQRDataLen caps the length of QR data accepted by ParseQRData.
const MaxQRDataLen = 256

// QRCode is parsed animated QR data.
type QRCode struct {
	// Token is the qrStartToken.
	Token string
	// Seconds is the time component.
	Seconds int
	// AuthCode is the hex HMAC-SHA256 as found in the code.
	AuthCode string
}

// ParseQRData splits QR data into its parts without checking the
// authentication code (use QRCode.Verify with the secret). Errors wrap
// ErrBadQR and never contain the data.
func ParseQRData(data string) (QRCode, error) {
	if len(data) > MaxQRDataLen {
		return QRCode{}, errors.Join(ErrBadQR, errors.New("too long"))
	}
	parts := strings.Split(data, ".")
	if len(parts) != 4 || parts[0] != "bankid" || parts[1] == "" {
		return QRCode{}, errors.Join(ErrBadQR, errors.New("want bankid.<token>.<seconds>.<code>"))
	}
	secs, err := strconv.Atoi(parts[2])
	if err != nil || secs < 0 || strconv.Itoa(secs) != parts[2] {
		return QRCode{}, errors.Join(ErrBadQR, errors.New("bad time component"))
	}
	if len(parts[3]) != 2*sha256.Size {
		return QRCode{}, errors.Join(ErrBadQR, errors.New("bad authentication code length"))
	}
	if _, err := hex.DecodeString(parts[3]); err != nil {
		return QRCode{}, errors.Join(ErrBadQR, errors.New("authentication code is not hex"))
	}
	return QRCode{Token: parts[1], Seconds: secs, AuthCode: strings.ToLower(parts[3])}, nil
}

// Verify reports whether the code's authentication code is the HMAC of its
// time component under qrStartSecret (in constant time).
func (q QRCode) Verify(qrStartSecret string) bool {
	want := qrAuthCode(qrStartSecret, strconv.Itoa(q.Seconds))
	return hmac.Equal([]byte(want), []byte(q.AuthCode))
}

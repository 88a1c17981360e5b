package web

import (
	"bytes"
	"fmt"

	"rsc.io/qr"
)

// qrSVG renders data as a QR code (error correction level M) in SVG: one
// path of black runs on a white square with the 4-module quiet zone.
func qrSVG(data string) ([]byte, error) {
	code, err := qr.Encode(data, qr.M)
	if err != nil {
		return nil, fmt.Errorf("web: qr: %w", err)
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			run := 1
			for code.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

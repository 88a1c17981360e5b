package flowtest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"github.com/etjanst/etjanst/form"
)

// PDF returns a small, well-formed one-page PDF document showing text
// (ASCII; other characters become '?'), for file fields that accept
// application/pdf.
func PDF(text string) []byte {
	clean := make([]byte, 0, len(text))
	for _, r := range text {
		switch {
		case r == '(' || r == ')' || r == '\\':
			clean = append(clean, '\\', byte(r))
		case r >= 0x20 && r < 0x7F:
			clean = append(clean, byte(r))
		default:
			clean = append(clean, '?')
		}
	}
	content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET\n", clean)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// testImage is a small picture with a diagonal line.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, i, color.Black)
		img.Set(i, 15-i, color.RGBA{R: 0x20, G: 0x60, B: 0xa0, A: 0xff})
	}
	return img
}

// PNG returns a small PNG image, for fields that accept image/png.
func PNG() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, testImage()) // encoding to memory does not fail
	return b.Bytes()
}

// JPEG returns a small JPEG image, for fields that accept image/jpeg.
func JPEG() []byte {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, testImage(), nil) // encoding to memory does not fail
	return b.Bytes()
}

// SampleFile returns generated content for a file field: of contentType
// when the field accepts it, else of the first type the field accepts
// among PDF, PNG and JPEG (PDF when it accepts none of them).
func SampleFile(field *form.Field, contentType string) []byte {
	gen := map[string]func() []byte{
		"application/pdf": func() []byte { return PDF("flowtest attachment") },
		"image/png":       PNG,
		"image/jpeg":      JPEG,
	}
	if g, ok := gen[contentType]; ok && field.AcceptsType(contentType) {
		return g()
	}
	for _, ct := range []string{"application/pdf", "image/png", "image/jpeg"} {
		if field.AcceptsType(ct) {
			return gen[ct]()
		}
	}
	return PDF("flowtest attachment")
}

func asValidation(err error) (*form.ValidationError, bool) {
	var ve *form.ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

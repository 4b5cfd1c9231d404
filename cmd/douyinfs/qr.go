package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/skip2/go-qrcode"
)

// renderQR draws text as a QR code for a terminal: each character cell holds
// two modules, the upper and the lower half ("▀", "▄", "█", " "), so the code
// keeps its square shape at half the height. Dark modules are drawn with the
// glyph's foreground; with color, every line is set black on bright white so
// the code is dark-on-light (what phone scanners expect) on dark terminals
// too. The bitmap carries the 4-module light border scanners need.
func renderQR(w io.Writer, text string, color bool) error {
	code, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("cannot draw the QR code: %w", err)
	}
	_, err = io.WriteString(w, halfBlocks(code.Bitmap(), color))
	return err
}

// halfBlocks renders a bitmap (true = dark) two rows per line.
func halfBlocks(bitmap [][]bool, color bool) string {
	var b strings.Builder
	for y := 0; y < len(bitmap); y += 2 {
		if color {
			b.WriteString("\x1b[30;107m")
		}
		for x, top := range bitmap[y] {
			bottom := y+1 < len(bitmap) && bitmap[y+1][x]
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteString(" ")
			}
		}
		if color {
			b.WriteString("\x1b[0m")
		}
		b.WriteString("\n")
	}
	return b.String()
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/skip2/go-qrcode"
)

// renderQR draws text as a QR code for a terminal with go-qrcode's
// ToSmallString: each character cell holds two modules, the upper and the
// lower half ("▀", "▄", "█", " "), so the code keeps its square shape at half
// the height. Dark modules are drawn with the glyph's foreground (the
// library's inverseColor); with color, every line is set black on bright
// white so the code is dark-on-light (what phone scanners expect) on dark
// terminals too. The bitmap carries the 4-module light border scanners need.
func renderQR(w io.Writer, text string, color bool) error {
	code, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("cannot draw the QR code: %w", err)
	}
	s := code.ToSmallString(true)
	if color {
		var b strings.Builder
		for line := range strings.Lines(s) {
			b.WriteString("\x1b[30;107m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
		}
		s = b.String()
	}
	_, err = io.WriteString(w, s)
	return err
}

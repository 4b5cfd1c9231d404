package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
)

// readHalfBlocks turns rendered text back into a bitmap.
func readHalfBlocks(t *testing.T, text string) [][]bool {
	t.Helper()
	text = strings.NewReplacer("\x1b[30;107m", "", "\x1b[0m", "").Replace(text)
	var bitmap [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range line {
			switch r {
			case '█':
				top, bottom = append(top, true), append(bottom, true)
			case '▀':
				top, bottom = append(top, true), append(bottom, false)
			case '▄':
				top, bottom = append(top, false), append(bottom, true)
			case ' ':
				top, bottom = append(top, false), append(bottom, false)
			default:
				t.Fatalf("unexpected rune %q", r)
			}
		}
		bitmap = append(bitmap, top, bottom)
	}
	return bitmap
}

func TestRenderQR(t *testing.T) {
	const url = "https://sso.douyin.com/qrcode/?token=abc123&service=https%3A%2F%2Fwww.douyin.com"
	code, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	want := code.Bitmap()
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := renderQR(&b, url, color); err != nil {
			t.Fatal(err)
		}
		if color != strings.Contains(b.String(), "\x1b[30;107m") {
			t.Errorf("color %v: %q", color, b.String()[:20])
		}
		got := readHalfBlocks(t, b.String())
		if len(want)%2 == 1 {
			// The last line's lower half is the light background.
			if row := got[len(got)-1]; strings.Contains(strings.Join(boolsToStrings(row), ""), "1") {
				t.Errorf("padding row not light")
			}
			got = got[:len(got)-1]
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("color %v: rendering does not round-trip to the QR bitmap", color)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != (len(want)+1)/2 {
			t.Errorf("%d lines for %d rows", len(lines), len(want))
		}
	}
}

func boolsToStrings(row []bool) []string {
	out := make([]string, len(row))
	for i, v := range row {
		out[i] = "0"
		if v {
			out[i] = "1"
		}
	}
	return out
}

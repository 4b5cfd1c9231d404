package fs

import "testing"

func TestPickQuality(t *testing.T) {
	flv := map[string]string{"SD1": "sd1", "HD1": "hd1", "ORIGION": "o"}
	if u, _ := pickQuality(flv, nil); u != "hd1" {
		t.Errorf("default preference picked %q", u)
	}
	if u, _ := pickQuality(flv, []string{"SD1"}); u != "sd1" {
		t.Errorf("preference SD1 picked %q", u)
	}
	if u, _ := pickQuality(map[string]string{"B": "b", "A": "a"}, []string{"FULL_HD1"}); u != "a" {
		t.Errorf("fallback picked %q, want the first by name", u)
	}
	if _, ok := pickQuality(nil, nil); ok {
		t.Error("no URLs, yet one was picked")
	}
}

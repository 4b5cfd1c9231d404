package fetch

import (
	"strings"
	"testing"
)

func TestIDRules(t *testing.T) {
	for _, s := range []string{
		"MS4wLjABAAAAv7iSuuXDJGDvJkmH_vz1qkDZYo1apxgzaxdBSeIuPiM",
		"MS4wLjABAAAAVsneOf144eGDFf8Xp9QNb1VW6ovXnNT5SqJBhJfe8KQBKWKDTWK5Hh-_i9mJzb8C",
		"MS4wLjABAAAA" + strings.Repeat("a", 32),
		"MS4wLjABAAAA" + strings.Repeat("a", 188),
	} {
		if !IsSecUserID(s) {
			t.Errorf("IsSecUserID(%q) = false", s)
		}
	}
	for _, s := range []string{
		"", ".git", "desktop.ini", "alice", "a/b", "self", "MS4wLjABAAAA", "MS4wLjABAAAAdB",
		"MS4wLjABAAAA" + strings.Repeat("a", 31), "MS4wLjABAAAA" + strings.Repeat("a", 189),
		"MS4wLjABAAAAv7iSuuXDJGDvJkmH_vz1qkDZYo1apxgz.xdBSeIuPiM", "XS4wLjABAAAAv7iSuuXDJGDvJkmH_vz1qkDZYo1apxgzaxdBSeIuPiM",
	} {
		if IsSecUserID(s) {
			t.Errorf("IsSecUserID(%q) = true", s)
		}
	}
	if !strings.Contains(SecUserIDShape, "MS4wLjABAAAA followed by 32 to 188") {
		t.Errorf("SecUserIDShape = %q", SecUserIDShape)
	}
	for s, want := range map[string][4]bool{ // aweme, mix, web rid, room
		"7300000000000000001":               {true, true, true, true},
		"775841227732":                      {true, true, true, false},
		"12345678":                          {true, true, true, false},
		"1234567":                           {},
		"73a":                               {},
		"":                                  {},
		"123456789012345678901234567890123": {},
	} {
		got := [4]bool{IsAwemeID(s), IsMixID(s), IsWebRID(s), IsRoomID(s)}
		if got != want {
			t.Errorf("%q: aweme, mix, web rid, room = %v, want %v", s, got, want)
		}
	}
}

package fetch

import (
	"strings"
	"testing"
)

// SetCookie changes what later requests carry and what LoggedIn says;
// a cookie with a line break is refused and the old one kept.
func TestSetCookie(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Cookie = "ttwid=guest-1"
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.LoggedIn() {
		t.Fatal("a guest cookie is logged in")
	}
	if err := c.SetCookie("sessionid=S1; ttwid=T1"); err != nil {
		t.Fatal(err)
	}
	h := c.cookieHeader(tokenSnapshot{ttwid: "registered"})
	if !c.LoggedIn() || !strings.HasPrefix(h, "sessionid=S1; ttwid=T1") || strings.Contains(h, "guest-1") || strings.Contains(h, "registered") {
		t.Errorf("after SetCookie: logged in %v, header %q", c.LoggedIn(), h)
	}
	if err := c.SetCookie("sessionid=S2\r\nX: y"); err == nil {
		t.Error("a cookie with a line break was taken")
	}
	if h := c.cookieHeader(tokenSnapshot{}); !strings.HasPrefix(h, "sessionid=S1") {
		t.Errorf("a refused cookie replaced the old one: %q", h)
	}
}

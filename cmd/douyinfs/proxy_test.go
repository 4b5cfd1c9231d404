package main

import (
	"strings"
	"testing"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// The proxy settings reach the API client and the media reader: an
// explicit URL, "direct", or the environment's when unset; media may go
// its own way.
func TestProxySettings(t *testing.T) {
	env := map[string]string{"https_proxy": "http://envproxy:3128", "HTTP_PROXY": "http://plain:3128", "NO_PROXY": "cdn.example"}
	getenv := func(k string) string { return env[k] }
	fromEnv := httpx.Proxy{HTTPSProxy: "http://envproxy:3128", HTTPProxy: "http://plain:3128", NoProxy: "cdn.example"}
	socks := httpx.Proxy{URL: "socks5://u:pw@p:1080"}
	cfg := writeFile(t, "config.toml", "", 0o644)
	for _, c := range []struct {
		args       []string
		api, media httpx.Proxy
	}{
		{nil, fromEnv, fromEnv},
		{[]string{"--proxy", "socks5://u:pw@p:1080"}, socks, socks},
		{[]string{"--proxy", "direct"}, httpx.Proxy{}, httpx.Proxy{}},
		{[]string{"--proxy", "socks5://u:pw@p:1080", "--media-proxy", "direct"}, socks, httpx.Proxy{}},
		{[]string{"--media-proxy", "https://m:443"}, fromEnv, httpx.Proxy{URL: "https://m:443"}},
		{[]string{"--proxy", "direct", "--media-proxy", "socks5://u:pw@p:1080"}, httpx.Proxy{}, socks},
	} {
		m := newMountArgs("mount", "")
		if _, err := m.parse(append([]string{"--config", cfg}, c.args...)); err != nil {
			t.Fatal(err)
		}
		s, err := m.load(getenv)
		if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		if s.API.Proxy != c.api || s.Reader.Proxy != c.media {
			t.Errorf("%q: API %+v, media %+v; want %+v, %+v", c.args, s.API.Proxy, s.Reader.Proxy, c.api, c.media)
		}
	}
	for _, bad := range []string{"ftp://u:s3cret@h:21", "u:s3cret@h:3128", "http://u:s3cret@h:1/path"} {
		for _, flag := range []string{"--proxy", "--media-proxy"} {
			m := newMountArgs("mount", "")
			if _, err := m.parse([]string{"--config", cfg, flag, bad}); err != nil {
				t.Fatal(err)
			}
			_, err := m.load(getenv)
			if err == nil || !strings.HasPrefix(err.Error(), "invalid setting network.") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%s %s: %v", flag, bad, err)
			}
		}
	}
}

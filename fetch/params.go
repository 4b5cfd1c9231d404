package fetch

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// param is one query parameter. Values are sent as written, without
// percent-encoding (§1.3), because the signature covers the exact string;
// values from callers (ids, cursors) go through escapeValue, which leaves
// every character an id can hold untouched.
type param struct{ k, v string }

// webBase is the web base set (§1.2.1) in F2's order. msToken, the 27th,
// is appended from the client's token at build time.
var webBase = []param{
	{"device_platform", "webapp"},
	{"aid", "6383"},
	{"channel", "channel_pc_web"},
	{"pc_client_type", "1"},
	{"publish_video_strategy_type", "2"},
	{"pc_libra_divert", "Windows"},
	{"version_code", "290100"},
	{"version_name", "29.1.0"},
	{"cookie_enabled", "true"},
	{"screen_width", "1920"},
	{"screen_height", "1080"},
	{"browser_language", "zh-CN"},
	{"browser_platform", "Win32"},
	{"browser_name", "Edge"},
	{"browser_version", "130.0.0.0"},
	{"browser_online", "true"},
	{"engine_name", "Blink"},
	{"engine_version", "130.0.0.0"},
	{"os_name", "Windows"},
	{"os_version", "10"},
	{"cpu_core_num", "12"},
	{"device_memory", "8"},
	{"platform", "PC"},
	{"downlink", "10"},
	{"effective_type", "4g"},
	{"round_trip_time", "100"},
}

// liveEnterBase is the live "enter" set (§1.2.2): no msToken.
var liveEnterBase = []param{
	{"aid", "6383"},
	{"app_name", "douyin_web"},
	{"live_id", "1"},
	{"device_platform", "web"},
	{"language", "zh-CN"},
	{"cookie_enabled", "true"},
	{"screen_width", "1920"},
	{"screen_height", "1080"},
	{"browser_language", "zh-CN"},
	{"browser_platform", "Win32"},
	{"browser_name", "Edge"},
	{"browser_version", "130.0.0.0"},
	{"enter_source", ""},
	{"is_need_double_stream", "false"},
	{"insert_task_id", ""},
	{"live_reason", ""},
}

// ssoBase is the QR-login set (§2.20) before the per-call parameters.
// service is filled with the configured www base.
var ssoBase = []param{
	{"service", ""},
	{"need_logo", "false"},
	{"need_short_url", "true"},
	{"device_platform", "web_app"},
	{"aid", "6383"},
	{"account_sdk_source", "sso"},
	{"sdk_version", "2.2.7-beta.6"},
	{"language", "zh"},
}

// paramSet names the base set an endpoint uses.
type paramSet int

const (
	setNone        paramSet = iota
	setWeb                  // §1.2.1 + msToken
	setWebChannelT          // §1.2.1 with channel=test in place (user live status)
	setLiveEnter            // §1.2.2
	setReflow               // §1.2.3
	setSSO                  // §2.20
)

// baseParams returns the base set with the per-client values filled in.
// Overrides keep the base position (§1.2.1).
func (c *Client) baseParams(set paramSet, msToken string) []param {
	switch set {
	case setWeb, setWebChannelT:
		ps := make([]param, 0, len(webBase)+1)
		ps = append(ps, webBase...)
		if set == setWebChannelT {
			for i := range ps {
				if ps[i].k == "channel" {
					ps[i].v = "test"
				}
			}
		}
		return append(ps, param{"msToken", tokenValue(msToken)})
	case setLiveEnter:
		return append([]param(nil), liveEnterBase...)
	case setReflow:
		return []param{
			{"verifyFp", c.verifyFp},
			{"type_id", "0"},
			{"live_id", "1"},
			{"sec_user_id", ""},
			{"version_code", "99.99.99"},
			{"app_id", "1128"},
			{"msToken", ""},
		}
	case setSSO:
		ps := append([]param(nil), ssoBase...)
		ps[0].v = c.cfg.Hosts.WWW // F2 sends the service URL unencoded
		return ps
	}
	return nil
}

// joinQuery renders parameters as k=v&k=v, exactly as given.
func joinQuery(ps ...[]param) string {
	var b strings.Builder
	for _, list := range ps {
		for _, p := range list {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(p.k)
			b.WriteByte('=')
			b.WriteString(p.v)
		}
	}
	return b.String()
}

// escapeValue percent-encodes a caller-supplied value. Ids, sec_uids and
// cursors consist of letters, digits, '-', '_' and '.', which are left as
// they are, so the query is what F2 sends; anything else (a stray '&' or
// space) is encoded instead of breaking the query.
func escapeValue(v string) string { return url.QueryEscape(v) }

// jsonParams renders parameters as a JSON object in the same order, for
// the favourites POST body (§2.4: all parameters, numbers as JSON numbers).
func jsonParams(ps ...[]param) []byte {
	b := []byte{'{'}
	first := true
	for _, list := range ps {
		for _, p := range list {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = strconv.AppendQuote(b, p.k)
			b = append(b, ':')
			// PathUnescape: '+' is a plus here (msTokens hold them).
			v, err := url.PathUnescape(p.v)
			if err != nil {
				v = p.v
			}
			if isJSONInt(v) {
				b = append(b, v...)
			} else {
				b = appendJSONString(b, v)
			}
		}
	}
	return append(b, '}')
}

// isJSONInt reports whether s is a decimal integer JSON would accept as is
// (no sign, no leading zero), the way F2's models hold int fields.
func isJSONInt(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func appendJSONString(b []byte, s string) []byte {
	enc, _ := json.Marshal(s) // a string always marshals
	return append(b, enc...)
}

// tokenValue is the msToken as F2 sends it: raw, '+', '/' and '=' included
// (the signature covers the raw text). A token holding anything outside
// the msToken alphabet is percent-encoded instead, so it cannot break the
// query.
func tokenValue(t string) string {
	for i := 0; i < len(t); i++ {
		b := t[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("+-/_=.", b) >= 0) {
			return url.QueryEscape(t)
		}
	}
	return t
}

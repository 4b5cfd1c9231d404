package fakedouyin

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// qrSession is one QR code of the historical SSO login (spec §2.20).
type qrSession struct {
	token   string
	created time.Time
	polls   int
	ticket  string // set when the status reaches "3"
	ssoMark string // value of the toutiao_sso_user cookie set with "3"
	used    bool   // the ticket went through both redirect hops
}

// getQRCode answers /get_qrcode/: a token and a PNG to show.
func (c *apiCtx) getQRCode() obj {
	s := c.s
	s.mu.Lock()
	token := strings.ToLower(hexOf(s.rng.Uint64())) + hexOf(s.rng.Uint64())
	sess := &qrSession{token: token, created: c.now}
	s.qr[token] = sess
	s.mu.Unlock()
	return obj{
		"data": obj{
			"qrcode":           qrPNG(token),
			"qrcode_index_url": "https://aweme.snssdk.com/magic/page/ejs/5f1b3b4bcb6d0a02c9fbd7d0?token=" + token + "&appName=douyin_pc",
			"token":            token,
			"app_name":         "douyin_pc",
			"web_name":         "douyin_web",
			"is_frontier":      false,
			"frontier_params":  obj{"access_key": "", "frontier_device": "", "method": 0, "product_id": 0, "service_id": 0},
		},
		"description": "",
		"error_code":  0,
		"message":     "success",
	}
}

// checkQRConnect answers /check_qrconnect/: each poll advances the
// status one step (every QRPollsPerStep polls): "1" waiting, "2" scanned,
// "3" confirmed (with Set-Cookie and redirect_url). Unconfirmed past
// QRLifetime, or unknown, it is "5".
func (c *apiCtx) checkQRConnect() obj {
	s := c.s
	s.mu.Lock()
	sess, ok := s.qr[c.q["token"]]
	status := "5"
	if ok && (sess.ticket != "" || c.now.Sub(sess.created) <= c.o.QRLifetime) && !sess.used {
		sess.polls++
		step := (sess.polls-1)/c.o.QRPollsPerStep + 1
		switch {
		case step >= 3 || sess.ticket != "":
			status = "3"
			if sess.ticket == "" {
				sess.ticket = hexOf(s.rng.Uint64()) + hexOf(s.rng.Uint64())
				sess.ssoMark = hexOf(s.rng.Uint64())
				s.tickets[sess.ticket] = sess
			}
		case step == 2:
			status = "2"
		default:
			status = "1"
		}
	}
	var ticket, mark string
	if status == "3" {
		ticket, mark = sess.ticket, sess.ssoMark
	}
	s.mu.Unlock()
	data := obj{"status": status, "redirect_url": "", "extra": obj{}}
	if status == "3" {
		c.setCookie("passport_auth_status", hexOf(uint64(c.now.UnixNano())))
		c.setCookie("sso_uid_tt", mark+"0")
		c.setCookie("toutiao_sso_user", mark)
		data["redirect_url"] = s.base + "/passport/sso/login/callback/?ticket=" + ticket +
			"&next=" + url.QueryEscape("https://www.douyin.com/")
	}
	return obj{"data": data, "description": "", "error_code": 0, "message": "success", "verify_ticket": ""}
}

// setCookie queues a Set-Cookie on the answer (writeJSON sends the headers
// later).
func (c *apiCtx) setCookie(name, value string) {
	c.w.Header().Add("Set-Cookie", name+"="+value+"; Path=/; Max-Age=5184000; HttpOnly")
}

// serveLoginHop answers the redirect chain after a confirmed QR login:
// callback (302, sets passport_csrf_token) → finish (302, sets the login
// cookie pairs) → "/" (200).
func (s *Server) serveLoginHop(w http.ResponseWriter, r *http.Request) {
	s.stats.request(r.URL.Path)
	if r.URL.Path == "/" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!DOCTYPE html><html><head><title>抖音 (fake)</title></head><body>fakedouyin</body></html>\n"))
		return
	}
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	sess, ok := s.tickets[ticket]
	valid := ok && !sess.used
	if valid && r.URL.Path == "/passport/sso/login/callback/" {
		valid = cookieValue(r, "toutiao_sso_user") == sess.ssoMark
	}
	if valid && r.URL.Path == "/passport/sso/login/finish/" {
		sess.used = true
	}
	s.mu.Unlock()
	if !valid {
		s.stats.reject("login-ticket")
		http.Error(w, "403 Forbidden: bad or used ticket", http.StatusForbidden)
		return
	}
	if r.URL.Path == "/passport/sso/login/callback/" {
		w.Header().Add("Set-Cookie", "passport_csrf_token="+hexOf(uint64(time.Now().UnixNano()))+"; Path=/; Max-Age=5184000")
		w.Header().Set("Location", s.base+"/passport/sso/login/finish/?ticket="+ticket)
		w.WriteHeader(http.StatusFound)
		return
	}
	for _, pair := range strings.Split(s.world.LoginCookie, "; ") {
		w.Header().Add("Set-Cookie", pair+"; Path=/; Max-Age=5184000; HttpOnly")
	}
	w.Header().Set("Location", s.base+"/")
	w.WriteHeader(http.StatusFound)
}

func hexOf(n uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b)
}

// qrPNG is a base64 PNG to display (a pattern from the token, not a real
// QR code).
func qrPNG(token string) string {
	img := image.NewGray(image.Rect(0, 0, 33, 33))
	for y := 0; y < 33; y++ {
		for x := 0; x < 33; x++ {
			v := token[(x*7+y*3)%len(token)]
			if (int(v)+x*y)%2 == 0 {
				img.SetGray(x, y, color.Gray{Y: 0})
			} else {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

package fetch

import "testing"

// user.secret marks a private account (spec §11 open fact 5 assumes so);
// absent or 0 is public, and a string number is read like a number.
func TestProfileSecret(t *testing.T) {
	for _, c := range []struct {
		secret string
		want   bool
	}{{``, false}, {`,"secret":0`, false}, {`,"secret":1`, true}, {`,"secret":"1"`, true}} {
		body := `{"status_code":0,"user":{"sec_uid":"MS4wLjABAAAAx","uid":"1"` + c.secret + `}}`
		u, err := decodeProfile([]byte(body), "MS4wLjABAAAAx")
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if u.Private != c.want {
			t.Errorf("%s: Private %v, want %v", body, u.Private, c.want)
		}
	}
}

package fetch

import "fmt"

// Douyin's ids as they appear in URLs, folder names and config.toml. One
// set of rules, so that Resolve, lookups in the tree and the config checks
// accept the same ids.

const (
	// Every sec_user_id is URL-safe base64 of a fixed header ("MS4wLjABAAAA")
	// and the user's key (43 or 64 characters on Douyin).
	secUserIDPrefix  = "MS4wLjABAAAA"
	secUserIDMinBody = 32
	secUserIDMaxLen  = 200 // the longest looked up

	// Numeric ids: aweme (post), mix and room ids are 19 digits, web rids
	// about 12. Fewer than 8 digits is never a Douyin id.
	minNumericID = 8
	maxNumericID = 32
	roomIDDigits = 19
)

// SecUserIDShape says, for messages, what IsSecUserID accepts.
var SecUserIDShape = fmt.Sprintf("%s followed by %d to %d URL-safe base64 characters",
	secUserIDPrefix, secUserIDMinBody, secUserIDMaxLen-len(secUserIDPrefix))

// IsSecUserID reports whether s has the shape of a sec_user_id, the id in
// www.douyin.com/user/<sec_user_id>.
func IsSecUserID(s string) bool {
	if len(s) < len(secUserIDPrefix)+secUserIDMinBody || len(s) > secUserIDMaxLen || s[:len(secUserIDPrefix)] != secUserIDPrefix {
		return false
	}
	for i := len(secUserIDPrefix); i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// IsAwemeID reports whether s has the shape of a post's (aweme) id.
func IsAwemeID(s string) bool { return isNumericID(s) }

// IsMixID reports whether s has the shape of a mix (collection) id.
func IsMixID(s string) bool { return isNumericID(s) }

// IsWebRID reports whether s has the shape of a live room's web id, the
// number in live.douyin.com/<web_rid>. A room id has that shape too, and
// LiveRoomByWebRID takes either.
func IsWebRID(s string) bool { return isNumericID(s) }

// IsRoomID reports whether s is a live room id: 19 digits; web rids are
// shorter (§6.2).
func IsRoomID(s string) bool { return len(s) == roomIDDigits && isNumericID(s) }

func isNumericID(s string) bool {
	if len(s) < minNumericID || len(s) > maxNumericID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

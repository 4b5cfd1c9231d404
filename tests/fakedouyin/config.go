package fakedouyin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteConfig writes a douyinfs config file (the format of config.toml,
// only keys that exist there) pointing every [hosts] key at this server
// (short_link at <base>/v), listing every user under [[users]] and every
// room in live_rooms, and with withLoginCookie the login cookie under
// [account]. The file is written to a temporary name and renamed, so a
// reader never sees half of it; it is mode 0600 since it may hold a
// cookie.
func (s *Server) WriteConfig(path string, withLoginCookie bool) error {
	w := s.world
	var b strings.Builder
	fmt.Fprintf(&b, "# douyinfs configuration for the fake Douyin at %s (written by fakedouyin).\n\n", s.base)
	b.WriteString("live_rooms = [")
	for i, r := range w.Rooms {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tomlString(r.WebRID))
	}
	b.WriteString("]\n\n[account]\n")
	if withLoginCookie {
		fmt.Fprintf(&b, "cookie = %s\n", tomlString(w.LoginCookie))
	} else {
		b.WriteString("cookie = \"\"\n")
	}
	b.WriteString("\n[hosts]\n")
	for _, k := range []string{"www", "live", "webcast", "mstoken", "ttwid", "webid", "sso"} {
		fmt.Fprintf(&b, "%s = %s\n", k, tomlString(s.base))
	}
	fmt.Fprintf(&b, "short_link = %s\n", tomlString(s.base+"/v"))
	for _, u := range w.Users {
		fmt.Fprintf(&b, "\n[[users]]\nname = %s\nsec_user_id = %s\n", tomlString(u.Name), tomlString(u.SecUID))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakedouyin-config-*")
	if err != nil {
		return fmt.Errorf("fakedouyin: write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(b.String()); err != nil {
		tmp.Close()
		return fmt.Errorf("fakedouyin: write config: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("fakedouyin: write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("fakedouyin: write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("fakedouyin: write config: %w", err)
	}
	return nil
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

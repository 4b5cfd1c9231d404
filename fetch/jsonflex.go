package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Douyin is loose with JSON types: ids arrive as strings or as 19-digit
// numbers (which float64 would corrupt), flags as 0/1 or true/false, counts
// sometimes as strings, and any field may be null. These small types accept
// every form seen in the captured responses so that one odd field never
// fails a whole page. They read the raw token, so no precision is lost.

// jstr is a string that may arrive as a JSON string, number or bool.
type jstr string

func (s *jstr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = jstr(v)
	case b[0] == '{' || b[0] == '[':
		// An object where a scalar was expected: leave it empty rather than
		// failing the item; the decoders treat empty as absent.
		return nil
	default: // number, true, false: keep the literal text
		*s = jstr(b)
	}
	return nil
}

// jint is an integer that may arrive as a number (possibly with a fraction
// or exponent), a numeric string, or a bool.
type jint int64

func (n *jint) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*n = jint(parseIntLoose(v))
	case 't':
		*n = 1
	case 'f':
		*n = 0
	case '{', '[':
		return nil
	default:
		*n = jint(parseIntLoose(string(b)))
	}
	return nil
}

// parseIntLoose parses a decimal integer, truncating a fraction; anything
// unparsable gives 0 (Douyin's "1000+" style display counts).
func parseIntLoose(s string) int64 {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f)
	}
	return 0
}

// jbool is a flag sent as true/false, 0/1 or "0"/"1". set records whether
// the field was present at all, for flags whose absence means "unknown".
type jbool struct {
	v, set bool
}

func (f *jbool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case 't':
		f.v = true
	case 'f':
		f.v = false
	case '{', '[':
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.ToLower(strings.TrimSpace(s))
		f.v = s == "true" || parseIntLoose(s) != 0
	default:
		var n jint
		if err := n.UnmarshalJSON(b); err != nil {
			return err
		}
		f.v = n != 0
	}
	f.set = true
	return nil
}

// jlist is a list that Douyin sometimes sends as a single element (F2 handles
// video.bit_rate arriving as one object) or as null.
type jlist[T any] []T

func (l *jlist[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*l = nil
		return nil
	}
	switch b[0] {
	case '[':
		var v []T
		// A mistyped field inside one element leaves that field empty; the
		// rest of the list still counts (see decodeItem).
		err := json.Unmarshal(b, &v)
		var te *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &te) {
			return err
		}
		*l = v
	default: // one element sent bare
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			*l = nil // not even one element: absent rather than fatal
			return nil
		}
		*l = jlist[T]{v}
	}
	return nil
}

// urls is a url_list: strings, with nulls and empties dropped.
type urls []string

func (u *urls) UnmarshalJSON(b []byte) error {
	var raw jlist[jstr]
	if err := raw.UnmarshalJSON(b); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		if s != "" {
			out = append(out, string(s))
		}
	}
	if len(out) == 0 {
		out = nil
	}
	*u = out
	return nil
}

// firstID returns the first non-empty, non-zero id of its arguments: Douyin
// sends both a *_str string and a number for many ids, the string being the
// safe one, and 0 meaning "none".
func firstID(ids ...jstr) string {
	for _, id := range ids {
		if id != "" && id != "0" {
			return string(id)
		}
	}
	return ""
}

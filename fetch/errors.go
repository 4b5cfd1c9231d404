package fetch

import (
	"errors"
	"fmt"
)

// Typed errors; each wraps enough context to tell the user what happened.
// Callers test them with errors.Is; the client wraps them with the endpoint
// that failed (and never with the cookie or any header).
var (
	ErrRejected      = errors.New("douyin rejected the request (empty body): the signature or cookie was not accepted; try a fresh cookie")
	ErrLoginRequired = errors.New("douyin requires a logged-in cookie for this")
	ErrPrivate       = errors.New("the list is private")
	ErrNotFound      = errors.New("not found on douyin")
	ErrRateLimited   = errors.New("douyin is rate limiting requests")
	ErrMalformed     = errors.New("douyin sent malformed JSON")
)

// Douyin status codes with a known meaning (spec §4.1, §2.21).
const (
	statusLoginExpired = 8    // friend feed and other cookie-owner endpoints
	statusPrivacy      = 2096 // following/follower: privacy setting forbids viewing
)

// StatusError is a business error: HTTP 200 with a JSON status_code other
// than 0. Code 8 also matches ErrLoginRequired and 2096 ErrPrivate.
type StatusError struct {
	Endpoint string // endpoint name, e.g. "user_posts"
	Code     int64
	Msg      string // status_msg as Douyin sent it (may be empty)
}

func (e *StatusError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("%s: douyin answered status_code %d", e.Endpoint, e.Code)
	}
	return fmt.Sprintf("%s: douyin answered status_code %d (%s)", e.Endpoint, e.Code, e.Msg)
}

// Is lets errors.Is see the meaning of the codes douyinfs knows.
func (e *StatusError) Is(target error) bool {
	switch e.Code {
	case statusLoginExpired:
		return target == ErrLoginRequired
	case statusPrivacy:
		return target == ErrPrivate
	}
	return false
}

// NotFoundError is a post, mix or room that Douyin says is gone or hidden.
// It matches ErrNotFound.
type NotFoundError struct {
	Kind   Kind   // what was asked for
	ID     string // its id
	Reason string // Douyin's reason code, e.g. filter_detail.filter_reason "status_self_see"
	Msg    string // Douyin's human message (detail_msg / notice), may be empty
}

func (e *NotFoundError) Error() string {
	s := fmt.Sprintf("%s %s not found on douyin", e.Kind, e.ID)
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// HTTPError is a final HTTP status douyinfs did not expect (after retries
// when the status is transient). 429 and 444 also match ErrRateLimited, 404
// and 410 ErrNotFound, 401 ErrLoginRequired.
type HTTPError struct {
	Endpoint string
	Status   int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s: HTTP status %d", e.Endpoint, e.Status)
}

func (e *HTTPError) Is(target error) bool {
	switch e.Status {
	case 429, 444:
		return target == ErrRateLimited
	case 404, 410:
		return target == ErrNotFound
	case 401:
		return target == ErrLoginRequired
	}
	return false
}

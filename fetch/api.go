package fetch

// CONTRACT STUBS. This file fixes the API that fs and cmd code against while
// the client is being written; the fetch engineer replaces every body (and
// may move declarations to their own files), keeping names and signatures.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/douyinfs/douyinfs/sign"
)

var errTODO = errors.New("fetch: not implemented yet")

// Hosts are the base URLs of every service, each configurable.
type Hosts struct {
	WWW, Live, Webcast, MsToken, TTWID, WebID, ShortLink, SSO string
}

// Config is everything the API client needs, parsed by cmd.
type Config struct {
	Hosts          Hosts
	Cookie         string // secret: never logged
	UserAgent      string
	Signing        sign.Scheme
	Timeout        time.Duration // one request
	Retries        int
	RetryBackoff   time.Duration
	RateLimit      float64 // API requests per second, all endpoints
	RateBurst      int
	MaxConnections int
	MaxBody        int64
	PageSize       int
	MaxEmptyPages  int
	MaxPages       int
	VideoQuality   string // "best", "h264", "smallest"
	Logger         *slog.Logger
}

// Client speaks Douyin's web API.
type Client struct{}

func NewClient(cfg Config) (*Client, error) { return nil, errTODO }
func (c *Client) Close()                    {}
func (c *Client) LoggedIn() bool            { return false }

// ClientStats are counters for .douyinfs/stats.json and metrics.
type ClientStats struct {
	Requests map[string]int64 // by endpoint name ("user_posts", ...)
	Errors   map[string]int64 // by endpoint name
	Retries  int64
	Rejected int64 // empty bodies
}

func (c *Client) Stats() ClientStats { return ClientStats{} }

func (c *Client) UserProfile(ctx context.Context, secUID string) (*User, error) { return nil, errTODO }
func (c *Client) PostDetail(ctx context.Context, awemeID string) (*Post, error) { return nil, errTODO }
func (c *Client) MixDetail(ctx context.Context, mixID string) (*Mix, error)     { return nil, errTODO }
func (c *Client) HomeFeed(ctx context.Context) ([]Post, error)                  { return nil, errTODO }
func (c *Client) LiveRoomByWebRID(ctx context.Context, webRID string) (*Room, error) {
	return nil, errTODO
}
func (c *Client) LiveRoomByRoomID(ctx context.Context, roomID string) (*Room, error) {
	return nil, errTODO
}
func (c *Client) UserLiveStatus(ctx context.Context, uid string) (LiveStatus, error) {
	return LiveStatus{}, errTODO
}

func (c *Client) UserPosts(secUID string) *Pager[Post]            { return nil }
func (c *Client) UserLikes(secUID string) *Pager[Post]            { return nil }
func (c *Client) UserMixes(secUID string) *Pager[Mix]             { return nil }
func (c *Client) MixPosts(mixID string) *Pager[Post]              { return nil }
func (c *Client) Favorites() *Pager[Post]                         { return nil }
func (c *Client) CollectFolders() *Pager[CollectFolder]           { return nil }
func (c *Client) CollectFolderPosts(folderID string) *Pager[Post] { return nil }

// OpenLiveStream starts one streaming GET of a live FLV URL; reading gives the
// body as it arrives; Close ends it.
func (c *Client) OpenLiveStream(ctx context.Context, url string) (io.ReadCloser, error) {
	return nil, errTODO
}

// Page is one page of a cursor list.
type Page[T any] struct {
	Items   []T
	Cursor  string // cursor that fetches the next page
	HasMore bool
}

// PageFunc fetches the page that starts at cursor ("" = first page).
type PageFunc[T any] func(ctx context.Context, cursor string) (Page[T], error)

// Pager walks a cursor list page by page.
type Pager[T any] struct{}

// NewPager builds a pager over any page function (tests use it for stand-ins).
func NewPager[T any](fn PageFunc[T], maxEmptyPages, maxPages int) *Pager[T] { return nil }

// Next returns the next page's items; io.EOF once the list is exhausted.
func (p *Pager[T]) Next(ctx context.Context) ([]T, error) { return nil, errTODO }
func (p *Pager[T]) Done() bool                            { return true }
func (p *Pager[T]) Cursor() string                        { return "" }
func (p *Pager[T]) ResumeFrom(cursor string)              {}

// Refresh walks a list from the top until it meets an item whose id is known,
// returning the new items (newest first).
func Refresh[T any](ctx context.Context, p *Pager[T], id func(T) string, known func(string) bool) ([]T, error) {
	return nil, errTODO
}

// Kind is what an input names.
type Kind string

const (
	KindUser Kind = "user"
	KindPost Kind = "post"
	KindMix  Kind = "mix"
	KindLive Kind = "live" // a web rid (live.douyin.com/<id>)
	KindRoom Kind = "room" // a room id (19 digits, reflow links)
)

// Resolved is the result of Resolve.
type Resolved struct {
	Kind Kind
	ID   string
}

func (c *Client) Resolve(ctx context.Context, input string) (Resolved, error) {
	return Resolved{}, errTODO
}

// Typed errors; each wraps enough context to tell the user what happened.
var (
	ErrRejected      = errors.New("douyin rejected the request (empty body): the signature or cookie was not accepted; try a fresh cookie")
	ErrLoginRequired = errors.New("douyin requires a logged-in cookie for this")
	ErrPrivate       = errors.New("the list is private")
	ErrNotFound      = errors.New("not found on douyin")
	ErrRateLimited   = errors.New("douyin is rate limiting requests")
	ErrMalformed     = errors.New("douyin sent malformed JSON")
)

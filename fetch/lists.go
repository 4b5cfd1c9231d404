package fetch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// firstCursor maps the pager's "" (first page) to Douyin's 0.
func firstCursor(cursor string) string {
	if cursor == "" {
		return "0"
	}
	return cursor
}

func (c *Client) count() param { return param{"count", strconv.Itoa(c.cfg.PageSize)} }

// postPages fetches pages of a post list endpoint.
func (c *Client) postPages(ep *endpoint, cursorField string, own func(cursor string) []param) PageFunc[Post] {
	return func(ctx context.Context, cursor string) (Page[Post], error) {
		body, err := c.call(ctx, ep, own(escapeValue(firstCursor(cursor))), "")
		if err != nil {
			return Page[Post]{}, c.failed(ep, err)
		}
		page, skipped, err := decodePostPage(body, ep.name, cursorField, c.cfg.VideoQuality)
		if err != nil {
			return Page[Post]{}, c.failed(ep, wrapEndpoint(ep, err))
		}
		c.logSkipped(ep, skipped)
		return page, nil
	}
}

func (c *Client) postPager(ep *endpoint, cursorField string, own func(cursor string) []param) *Pager[Post] {
	return NewPager(c.postPages(ep, cursorField, own), c.cfg.MaxEmptyPages, c.cfg.MaxPages)
}

// userList guards a list of one user's things. Douyin does not say "no
// such user" on its list endpoints: an unknown sec_user_id gets an empty
// list. So when the first page is empty, the profile is asked once, and a
// user Douyin does not know is its *NotFoundError (errors.Is ErrNotFound)
// rather than an empty folder. check, if not nil, judges the profile of a
// user that exists (likes: private or not). A profile that cannot be
// fetched leaves the list empty, as it was.
func userList[T any](c *Client, ep *endpoint, secUID string, inner PageFunc[T], check func(*User) error) *Pager[T] {
	return NewPager(func(ctx context.Context, cursor string) (Page[T], error) {
		page, err := inner(ctx, cursor)
		if err != nil || cursor != "" || len(page.Items) > 0 {
			return page, err
		}
		u, perr := c.UserProfile(ctx, secUID)
		switch {
		case errors.Is(perr, ErrNotFound):
			return Page[T]{}, c.failed(ep, fmt.Errorf("%s: %w", ep.name, perr))
		case perr != nil:
			c.log.Debug("could not check the user of an empty list", "endpoint", ep.name, "err", perr)
			return page, nil
		case check != nil:
			// A private list is an answer, not a failed call.
			if err := check(u); err != nil {
				return Page[T]{}, err
			}
		}
		return page, nil
	}, c.cfg.MaxEmptyPages, c.cfg.MaxPages)
}

// UserPosts lists a user's posts, newest first (pinned posts lead). An
// empty first page of a private account (profile secret 1) is ErrPrivate.
//
// Douyin reportedly shows a guest only the first page of a user's posts
// (§3.4, F2 #435; open fact 10): the first page says has_more, the next
// comes back empty saying the end. For a client without a session that
// page is taken as the guest limit (Page.GuestLimit, the pager stops with
// StopGuestLimit), not as the end of the list.
func (c *Client) UserPosts(secUID string) *Pager[Post] {
	ep := &epUserPosts
	inner := c.postPages(ep, cursorMax, func(cursor string) []param {
		return []param{{"max_cursor", cursor}, c.count(), {"sec_user_id", escapeValue(secUID)}}
	})
	guarded := func(ctx context.Context, cursor string) (Page[Post], error) {
		page, err := inner(ctx, cursor)
		if err == nil && cursor != "" && len(page.Items) == 0 && !page.HasMore && !c.LoggedIn() {
			page.GuestLimit = true
		}
		return page, err
	}
	return userList(c, ep, secUID, guarded, func(u *User) error {
		if u.Private {
			return fmt.Errorf("%s: posts of %s: %w", ep.name, secUID, ErrPrivate)
		}
		return nil
	})
}

// UserLikes lists the posts a user liked, in Douyin's order (by like time,
// so not by create time). Its max_cursor is taken as it comes: in the real
// capture it is no item's create_time, and what it counts is an open fact
// (§11 fact 3). Douyin does not say "private":
// a hidden likes list comes back as an empty page. So when the first page
// is empty, the profile is asked once (show_favorite_list false means
// private) and the answer is ErrPrivate; otherwise the list is just empty.
func (c *Client) UserLikes(secUID string) *Pager[Post] {
	ep := &epUserLikes
	inner := c.postPages(ep, cursorMax, func(cursor string) []param {
		return []param{{"max_cursor", cursor}, c.count(), {"sec_user_id", escapeValue(secUID)}}
	})
	return userList(c, ep, secUID, inner, func(u *User) error {
		if u.LikesPrivate || u.Private {
			return fmt.Errorf("%s: likes of %s: %w", ep.name, secUID, ErrPrivate)
		}
		return nil
	})
}

// MixPosts lists a mix's posts in episode order.
func (c *Client) MixPosts(mixID string) *Pager[Post] {
	return c.postPager(&epMixPosts, cursorPlain, func(cursor string) []param {
		return []param{{"cursor", cursor}, c.count(), {"mix_id", escapeValue(mixID)}}
	})
}

// Favorites lists the logged-in account's favourites (收藏); a guest gets
// ErrLoginRequired without a request.
func (c *Client) Favorites() *Pager[Post] {
	return c.postPager(&epFavorites, cursorPlain, func(cursor string) []param {
		return []param{{"cursor", cursor}, c.count()}
	})
}

// CollectFolderPosts lists the posts of one of the account's folders.
func (c *Client) CollectFolderPosts(folderID string) *Pager[Post] {
	return c.postPager(&epCollectFolderPosts, cursorPlain, func(cursor string) []param {
		return []param{{"cursor", cursor}, c.count(), {"collects_id", escapeValue(folderID)}}
	})
}

// CollectFolders lists the logged-in account's favourite folders (收藏夹).
func (c *Client) CollectFolders() *Pager[CollectFolder] {
	ep := &epCollectFolders
	return NewPager(func(ctx context.Context, cursor string) (Page[CollectFolder], error) {
		body, err := c.call(ctx, ep, []param{{"cursor", escapeValue(firstCursor(cursor))}, c.count()}, "")
		if err != nil {
			return Page[CollectFolder]{}, c.failed(ep, err)
		}
		page, skipped, err := decodeFolderPage(body, ep.name)
		if err != nil {
			return Page[CollectFolder]{}, c.failed(ep, wrapEndpoint(ep, err))
		}
		c.logSkipped(ep, skipped)
		return page, nil
	}, c.cfg.MaxEmptyPages, c.cfg.MaxPages)
}

// UserMixes lists a user's mixes (addendum: /aweme/v1/web/mix/list/, with
// the user's page as Referer, as the web page sends it).
func (c *Client) UserMixes(secUID string) *Pager[Mix] {
	ep := &epUserMixes
	referer := c.cfg.Hosts.WWW + "/user/" + escapeValue(secUID)
	return userList(c, ep, secUID, func(ctx context.Context, cursor string) (Page[Mix], error) {
		own := []param{{"sec_user_id", escapeValue(secUID)}, {"req_from", "channel_pc_web"}, {"cursor", escapeValue(firstCursor(cursor))}, c.count()}
		body, err := c.call(ctx, ep, own, referer)
		if err != nil {
			return Page[Mix]{}, c.failed(ep, err)
		}
		page, skipped, err := decodeMixPage(body, ep.name)
		if err != nil {
			return Page[Mix]{}, c.failed(ep, wrapEndpoint(ep, err))
		}
		c.logSkipped(ep, skipped)
		return page, nil
	}, nil)
}

// UserProfile fetches a user's profile by sec_user_id.
func (c *Client) UserProfile(ctx context.Context, secUID string) (*User, error) {
	ep := &epUserProfile
	body, err := c.call(ctx, ep, []param{{"sec_user_id", escapeValue(secUID)}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	u, err := decodeProfile(body, secUID)
	return u, c.failed(ep, wrapEndpoint(ep, err))
}

// PostDetail fetches one post. A deleted or hidden post is a
// *NotFoundError (errors.Is ErrNotFound) carrying Douyin's reason.
func (c *Client) PostDetail(ctx context.Context, awemeID string) (*Post, error) {
	ep := &epPostDetail
	body, err := c.call(ctx, ep, []param{{"aweme_id", escapeValue(awemeID)}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	p, err := decodeDetail(body, awemeID, c.cfg.VideoQuality)
	return p, c.failed(ep, wrapEndpoint(ep, err))
}

// MixDetail fetches a mix's header (/aweme/v1/web/mix/detail/).
func (c *Client) MixDetail(ctx context.Context, mixID string) (*Mix, error) {
	ep := &epMixDetail
	body, err := c.call(ctx, ep, []param{{"mix_id", escapeValue(mixID)}}, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	m, err := decodeMixDetail(body, mixID)
	return m, c.failed(ep, wrapEndpoint(ep, err))
}

// HomeFeed fetches one page of the recommended feed (tab feed, §2.10).
// The feed has no cursor; refresh_index counts the calls, as the web page
// does, so each call asks for a fresh batch.
func (c *Client) HomeFeed(ctx context.Context) ([]Post, error) {
	ep := &epHomeFeed
	n := c.feedIndex.Add(1)
	own := []param{
		{"count", "10"},
		{"tag_id", ""},
		{"share_aweme_id", ""},
		{"live_insert_type", ""},
		{"refresh_index", strconv.FormatInt(n, 10)},
		{"video_type_select", "1"},
		{"aweme_pc_rec_raw_data", "%7B%22is_client%22%3A%22false%22%7D"}, // pre-encoded, as F2 sends it
		{"globalwid", ""},
		{"pull_type", ""},
		{"min_window", ""},
		{"free_right", ""},
		{"ug_source", ""},
		{"creative_id", ""},
	}
	body, err := c.call(ctx, ep, own, "")
	if err != nil {
		return nil, c.failed(ep, err)
	}
	posts, skipped, err := decodeFeed(body, ep.name, c.cfg.VideoQuality)
	if err != nil {
		return nil, c.failed(ep, wrapEndpoint(ep, err))
	}
	c.logSkipped(ep, skipped)
	return posts, nil
}

// wrapEndpoint adds the endpoint name to decoder errors that lack it.
func wrapEndpoint(ep *endpoint, err error) error {
	if err == nil {
		return nil
	}
	var se *StatusError
	if errors.As(err, &se) {
		return err // already says which endpoint
	}
	return fmt.Errorf("%s: %w", ep.name, err)
}

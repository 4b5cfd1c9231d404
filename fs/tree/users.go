package tree

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
)

// profile returns a user's profile (remembered for MetadataTTL).
func (t *Tree) profile(ctx context.Context, secUID string) (*fetch.User, error) {
	u, err := t.profiles.get(ctx, secUID, func(ctx context.Context) (*fetch.User, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.api.UserProfile(ctx, secUID)
	})
	if err == nil {
		if u.Private {
			t.privateUsers.Store(secUID, true)
		} else {
			t.privateUsers.Delete(secUID)
		}
	}
	return u, err
}

// PrivateUsers names the users whose profile said private account (the
// configured name, else the sec_user_id), sorted; for stats.json and
// .douyinfs/status.txt.
func (t *Tree) PrivateUsers() []string {
	var out []string
	t.privateUsers.Range(func(k, _ any) bool {
		name := k.(string)
		for _, u := range t.cfg.Users {
			if u.SecUID == name {
				name = userName(u)
				break
			}
		}
		out = append(out, name)
		return true
	})
	slices.Sort(out)
	return out
}

// statusText renders .douyinfs/status.txt: one line per user folder that
// is empty for a reason Douyin gives.
func (t *Tree) statusText() []byte {
	var b strings.Builder
	for _, name := range t.PrivateUsers() {
		fmt.Fprintf(&b, "users/%s: %s\n", name, statusPrivate)
	}
	for _, what := range t.GuestLimitedListings() {
		fmt.Fprintf(&b, "%s: %s\n", what, statusGuestLimited)
	}
	return []byte(b.String())
}

// statusGuestLimited is the status line of a listing Douyin showed only
// its first page, as it does to a guest (spec §3.4).
const statusGuestLimited = "first page only: Douyin shows a guest no more; a login cookie shows the rest"

// statusPrivate is the status line and xattr value of a private account,
// whose posts/, likes/ and mixes/ are empty.
const statusPrivate = "private account"

// userXattrs are a user folder's attributes: user.douyin.status on a
// private account. They need the profile (remembered for MetadataTTL), so
// only user folders have them.
func (t *Tree) userXattrs(secUID string) []Xattr {
	ctx, cancel := t.APIContext(context.Background())
	defer cancel()
	u, err := t.profile(ctx, secUID)
	if err != nil || !u.Private {
		return nil
	}
	return []Xattr{{xattrStatus, statusPrivate}}
}

// usersFolder is users/: the configured users by name; any other user is
// found by looking up its sec_user_id.
func (t *Tree) usersFolder(key string) *ByID {
	// Names come from the configuration, so listing users/ costs no API
	// call.
	configured := func() []Entry {
		var out []Entry
		seen := map[string]bool{}
		for _, u := range t.cfg.Users {
			name := userName(u)
			if seen[name] {
				continue // cmd rejects duplicates; the first one wins here
			}
			seen[name] = true
			out = append(out, Entry{Name: name, Dir: true, Key: keyChild(key, "user", u.SecUID)})
		}
		return out
	}
	return &ByID{key: key, t: t, configured: configured,
		known: func(e Entry) Node {
			for _, u := range t.cfg.Users {
				if userName(u) == e.Name {
					return t.userFolder(e.Key, u.SecUID, e.Name)
				}
			}
			return nil // unreachable: e is configured
		},
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			if !fetch.IsSecUserID(name) {
				return Child{}, syscall.ENOENT
			}
			// Any other user: the profile call tells whether it exists.
			if _, err := t.profile(ctx, name); err != nil {
				return Child{}, t.Fail("lookup", "users/"+name, err)
			}
			e := Entry{Name: name, Dir: true, Key: keyChild(key, "id", name)}
			return Child{Entry: e, Node: t.userFolder(e.Key, name, name)}, 0
		}}
}

func userName(u UserEntry) string {
	if u.Name == "" {
		return sanitizeName(u.SecUID, maxNameBytes)
	}
	return sanitizeName(u.Name, maxNameBytes)
}

const (
	nameProfile = "profile.json"
	nameAvatar  = "avatar.jpeg"
	namePosts   = "posts"
	nameLikes   = "likes"
	nameRoom    = "room.json"
	nameStream  = "stream.flv"
)

// living reports whether the user is on air now (then live/ exists).
func living(u *fetch.User) bool { return u.RoomID != "" && u.LiveStatus == 1 }

// userFolder is users/<name>/.
func (t *Tree) userFolder(key, secUID, name string) *Fixed {
	list := func(ctx context.Context) ([]Entry, syscall.Errno) {
		u, err := t.profile(ctx, secUID)
		if err != nil {
			return nil, t.Fail("readdir", "users/"+name, err)
		}
		out := []Entry{{Name: nameProfile, Key: keyProfile(secUID)}}
		if len(u.AvatarURLs) > 0 {
			out = append(out, Entry{Name: nameAvatar, Key: keyAvatar(secUID)})
		}
		out = append(out,
			Entry{Name: namePosts, Dir: true, Key: key + "/posts"},
			Entry{Name: nameLikes, Dir: true, Key: key + "/likes"},
			Entry{Name: nameMixes, Dir: true, Key: key + "/mixes"},
		)
		if living(u) {
			out = append(out, Entry{Name: nameLive, Dir: true, Key: key + "/live"})
		}
		return out, 0
	}
	find := func(ctx context.Context, child string) (Child, syscall.Errno) {
		e := Entry{Name: child, Dir: true, Key: key + "/" + child}
		// posts/, likes/ and mixes/ exist for every user: no API call
		// until they are listed.
		switch child {
		case namePosts:
			return Child{Entry: e, Node: t.userPostsFolder(e.Key, name, secUID)}, 0
		case nameLikes:
			return Child{Entry: e, Node: t.postsFolder(e.Key, "likes:"+secUID, "likes of "+name, 0, newestFirst, t.cfg.ListingTTL,
				func() *fetch.Pager[fetch.Post] { return t.api.UserLikes(secUID) }, nil)}, 0
		case nameMixes:
			return Child{Entry: e, Node: t.userMixesFolder(e.Key, secUID, "mixes of "+name)}, 0
		case nameProfile, nameAvatar, nameLive:
		default:
			return Child{}, syscall.ENOENT
		}
		u, err := t.profile(ctx, secUID)
		if err != nil {
			return Child{}, t.Fail("lookup", "users/"+name+"/"+child, err)
		}
		switch child {
		case nameProfile:
			e = Entry{Name: child, Key: keyProfile(secUID)}
			return Child{Entry: e, Node: &BytesFile{What: "profile of " + name, Content: func(ctx context.Context) ([]byte, error) {
				u, err := t.profile(ctx, secUID)
				if err != nil {
					return nil, err
				}
				return prettyJSON(u.Raw, u)
			}}}, 0
		case nameAvatar:
			if len(u.AvatarURLs) == 0 {
				return Child{}, syscall.ENOENT
			}
			e = Entry{Name: child, Key: keyAvatar(secUID)}
			return Child{Entry: e, Node: &MediaFile{Item: t.avatarMedia(u), What: "avatar of " + name}}, 0
		default: // nameLive
			if !living(u) {
				return Child{}, syscall.ENOENT
			}
			roomID := u.RoomID
			return Child{Entry: e, Node: t.roomFolder(e.Key, "live room of "+name,
				func(ctx context.Context) (*fetch.Room, error) { return t.roomByID(ctx, roomID) },
				func(ctx context.Context) (*fetch.Room, error) { return t.api.LiveRoomByRoomID(ctx, roomID) })}, 0
		}
	}
	return &Fixed{list: list, find: find, xattrsFn: func() []Xattr { return t.userXattrs(secUID) }}
}

// userPostsFolder is users/<name>/posts/. A post found by id belongs here
// only if this user wrote it.
func (t *Tree) userPostsFolder(key, name, secUID string) *Posts {
	return t.postsFolder(key, "posts:"+secUID, "posts of "+name, 0, newestFirst, t.cfg.ListingTTL,
		func() *fetch.Pager[fetch.Post] { return t.api.UserPosts(secUID) },
		func(p *fetch.Post) bool { return p.Author.SecUID == "" || p.Author.SecUID == secUID })
}

// avatarMedia is a user's largest avatar. A new avatar gets a new URL, so
// the cache key includes a hash of the URL's path: a changed picture is
// never served with the old one's cached size. Its URL expires like any
// media URL: a fresh profile gives a new one for the same path, and a
// different path (a new picture) fails the read rather than mix the two.
func (t *Tree) avatarMedia(u *fetch.User) *media.Item {
	path, _, _ := strings.Cut(u.AvatarURLs[0], "?")
	h := fnv.New32a()
	h.Write([]byte(path))
	secUID := u.SecUID
	return &media.Item{Key: "avatar/" + secUID + "/" + strconv.FormatUint(uint64(h.Sum32()), 16), URLs: u.AvatarURLs,
		Refresh: func(ctx context.Context) ([]string, error) {
			ctx, cancel := t.APIContext(ctx)
			defer cancel()
			f, err := t.api.UserProfile(ctx, secUID)
			if err != nil {
				return nil, err
			}
			if len(f.AvatarURLs) == 0 {
				return nil, errors.New("the fresh profile has no avatar")
			}
			if p, _, _ := strings.Cut(f.AvatarURLs[0], "?"); p != path {
				return nil, errors.New("the avatar changed since the file was opened")
			}
			return f.AvatarURLs, nil
		}}
}

// missingConfiguredUser names the configured user err says Douyin does not
// know. A mistyped sec_user_id must not look like an empty user, so it is
// logged once (the kernel only passes on ENOENT).
func (t *Tree) missingConfiguredUser(err error) (string, bool) {
	var nf *fetch.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != fetch.KindUser {
		return "", false
	}
	for _, u := range t.cfg.Users {
		if u.SecUID == nf.ID {
			if u.Name != "" {
				return u.Name, true
			}
			return u.SecUID, true
		}
	}
	return "", false
}

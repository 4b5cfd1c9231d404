package fs

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// profile returns a user's profile (remembered for MetadataTTL).
func (t *tree) profile(ctx context.Context, secUID string) (*fetch.User, error) {
	return t.profiles.get(ctx, secUID, func(ctx context.Context) (*fetch.User, error) {
		ctx, cancel := t.apiContext(ctx)
		defer cancel()
		return t.api.UserProfile(ctx, secUID)
	})
}

// usersDir is users/: the configured users by name; any other user is found
// by looking up its sec_user_id.
type usersDir struct {
	plainDir
	key string
}

// configured lists the configured users. Names come from the configuration,
// so listing users/ costs no API call.
func (d *usersDir) configured() []dirent {
	var out []dirent
	seen := map[string]bool{}
	for _, u := range d.t.cfg.Users {
		name := sanitizeName(u.Name, maxNameBytes)
		if u.Name == "" {
			name = sanitizeName(u.SecUID, maxNameBytes)
		}
		if seen[name] {
			continue // cmd rejects duplicates; the first one wins here
		}
		seen[name] = true
		out = append(out, dirent{name: name, dir: true, key: keyChild(d.key, "user", u.SecUID)})
	}
	return out
}

func (d *usersDir) secUIDOf(name string) (string, bool) {
	for _, u := range d.t.cfg.Users {
		n := sanitizeName(u.Name, maxNameBytes)
		if u.Name == "" {
			n = sanitizeName(u.SecUID, maxNameBytes)
		}
		if n == name {
			return u.SecUID, true
		}
	}
	return "", false
}

func (d *usersDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.configured())}, 0, 0
}

func (d *usersDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	if secUID, ok := d.secUIDOf(name); ok {
		e, _ := lookupIn(d.configured(), name)
		return t.child(ctx, d.EmbeddedInode(), e, &userDir{plainDir: plainDir{node{t: t}}, key: e.key, secUID: secUID, name: name}, out)
	}
	if !fetch.IsSecUserID(name) {
		return nil, syscall.ENOENT
	}
	// Any other user: the profile call tells whether it exists.
	if _, err := t.profile(ctx, name); err != nil {
		return nil, t.fail("lookup", "users/"+name, err)
	}
	e := dirent{name: name, dir: true, key: keyChild(d.key, "id", name)}
	return t.child(ctx, d.EmbeddedInode(), e, &userDir{plainDir: plainDir{node{t: t}}, key: e.key, secUID: name, name: name}, out)
}

// userDir is users/<name>/.
type userDir struct {
	plainDir
	key    string
	secUID string
	name   string
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

func (d *userDir) entries(ctx context.Context) ([]dirent, syscall.Errno) {
	u, err := d.t.profile(ctx, d.secUID)
	if err != nil {
		return nil, d.t.fail("readdir", "users/"+d.name, err)
	}
	out := []dirent{{name: nameProfile, key: keyProfile(d.secUID)}}
	if len(u.AvatarURLs) > 0 {
		out = append(out, dirent{name: nameAvatar, key: keyAvatar(d.secUID)})
	}
	out = append(out,
		dirent{name: namePosts, dir: true, key: d.key + "/posts"},
		dirent{name: nameLikes, dir: true, key: d.key + "/likes"},
		dirent{name: nameMixes, dir: true, key: d.key + "/mixes"},
	)
	if living(u) {
		out = append(out, dirent{name: nameLive, dir: true, key: d.key + "/live"})
	}
	return out, 0
}

func (d *userDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return d.t.openSlice(ctx, d.EmbeddedInode(), d.entries)
}

func (d *userDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	secUID := d.secUID
	var n filler
	e := dirent{name: name, dir: true, key: d.key + "/" + name}
	// posts/, likes/ and mixes/ exist for every user: no API call until
	// they are listed.
	switch name {
	case namePosts:
		n = t.userPostsDir(e.key, d.name, secUID)
	case nameLikes:
		n = &postsDir{node: node{t: t}, key: e.key, listKey: "likes:" + secUID, what: "likes of " + d.name,
			order: newestFirst, ttl: t.cfg.ListingTTL, open: func() *fetch.Pager[fetch.Post] { return t.api.UserLikes(secUID) }}
	case nameMixes:
		n = &userMixesDir{plainDir: plainDir{node{t: t}}, key: e.key, secUID: secUID, what: "mixes of " + d.name}
	case nameProfile, nameAvatar, nameLive:
		u, err := t.profile(ctx, secUID)
		if err != nil {
			return nil, t.fail("lookup", "users/"+d.name+"/"+name, err)
		}
		switch name {
		case nameProfile:
			e = dirent{name: name, key: keyProfile(secUID)}
			n = &bytesFile{node: node{t: t}, what: "profile of " + d.name, content: func(ctx context.Context) ([]byte, error) {
				u, err := t.profile(ctx, secUID)
				if err != nil {
					return nil, err
				}
				return prettyJSON(u.Raw, u)
			}}
		case nameAvatar:
			if len(u.AvatarURLs) == 0 {
				return nil, syscall.ENOENT
			}
			e = dirent{name: name, key: keyAvatar(secUID)}
			n = &mediaFile{node: node{t: t}, m: avatarMedia(u), what: "avatar of " + d.name}
		case nameLive:
			if !living(u) {
				return nil, syscall.ENOENT
			}
			roomID := u.RoomID
			n = &roomDir{plainDir: plainDir{node{t: t}}, key: e.key, what: "live room of " + d.name,
				room:  func(ctx context.Context) (*fetch.Room, error) { return t.roomByID(ctx, roomID) },
				fresh: func(ctx context.Context) (*fetch.Room, error) { return t.api.LiveRoomByRoomID(ctx, roomID) },
			}
		}
	default:
		return nil, syscall.ENOENT
	}
	return t.child(ctx, d.EmbeddedInode(), e, n, out)
}

// userPostsDir is users/<name>/posts/. A post found by id belongs here only
// if this user wrote it.
func (t *tree) userPostsDir(key, name, secUID string) *postsDir {
	return &postsDir{node: node{t: t}, key: key, listKey: "posts:" + secUID, what: "posts of " + name,
		order: newestFirst, ttl: t.cfg.ListingTTL,
		open: func() *fetch.Pager[fetch.Post] { return t.api.UserPosts(secUID) },
		belongs: func(p *fetch.Post) bool {
			return p.Author.SecUID == "" || p.Author.SecUID == secUID
		}}
}

// avatarMedia is a user's largest avatar. A new avatar gets a new URL, so
// the cache key includes a hash of the URL's path: a changed picture is
// never served with the old one's cached size.
func avatarMedia(u *fetch.User) *media.Item {
	path, _, _ := strings.Cut(u.AvatarURLs[0], "?")
	h := fnv.New32a()
	h.Write([]byte(path))
	return &media.Item{Key: "avatar/" + u.SecUID + "/" + strconv.FormatUint(uint64(h.Sum32()), 16), URLs: u.AvatarURLs}
}

// missingConfiguredUser names the configured user err says Douyin does not
// know. A mistyped sec_user_id must not look like an empty user, so it is
// logged once (the kernel only passes on ENOENT).
func (t *tree) missingConfiguredUser(err error) (string, bool) {
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

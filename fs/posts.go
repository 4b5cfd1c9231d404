package fs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
	gofs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// postKind is which of a post's entries a name shows.
type postKind int

const (
	kindVideo  postKind = iota // <name>.mp4
	kindImages                 // <name>/ with 01.jpeg ...
	kindMeta                   // <name>.json
	kindCover                  // <name>.cover.jpeg
)

// playable reports whether a post can be shown at all: a video with a
// rendition, or pictures. Others (removed media, unknown types) are skipped.
func playable(p *fetch.Post) bool {
	return (p.Video != nil && p.Video.Best() != nil) || p.IsImagePost()
}

func isVideo(p *fetch.Post) bool { return p.Video != nil && p.Video.Best() != nil }

// post returns a post's details by id (remembered for MetadataTTL).
func (t *tree) post(ctx context.Context, id string) (*fetch.Post, error) {
	return t.posts.get(ctx, id, func(ctx context.Context) (*fetch.Post, error) {
		ctx, cancel := t.apiContext(ctx)
		defer cancel()
		return t.api.PostDetail(ctx, id)
	})
}

// postEntries are the directory entries one post shows in dir dirKey.
func (t *tree) postEntries(dirKey, base string, p *fetch.Post) []dirent {
	var out []dirent
	if isVideo(p) {
		out = append(out, dirent{name: base + suffixVideo, key: keyVideo(p.ID)})
	} else {
		out = append(out, dirent{name: base, dir: true, key: keyChild(dirKey, "post", p.ID)})
	}
	if t.cfg.Naming.SidecarJSON {
		out = append(out, dirent{name: base + suffixJSON, key: keyMeta(p.ID)})
	}
	if t.cfg.Naming.SidecarCover && len(p.Cover) > 0 {
		out = append(out, dirent{name: base + suffixCover, key: keyCover(p.ID)})
	}
	return out
}

// postNode builds the node of entry e of post p, or nil when p has no such
// entry.
func (t *tree) postNode(e dirent, p *fetch.Post, kind postKind) filler {

	switch kind {
	case kindVideo:
		if isVideo(p) {
			return &mediaFile{node: node{t: t}, m: t.videoMedia(p), mtime: p.CreateTime, post: p, what: "video " + p.ID}
		}
	case kindImages:
		if p.IsImagePost() {
			return &imagePostDir{node: node{t: t}, key: e.key, post: p}
		}
	case kindMeta:
		if t.cfg.Naming.SidecarJSON {
			return &bytesFile{node: node{t: t}, mtime: p.CreateTime, what: "metadata of " + p.ID,
				content: func(context.Context) ([]byte, error) { return prettyJSON(p.Raw, p) }}
		}
	case kindCover:
		if t.cfg.Naming.SidecarCover && len(p.Cover) > 0 {
			m := &media.Item{Key: p.ID + "/cover", URLs: p.Cover, Refresh: t.refreshURLs(p.ID, func(f *fetch.Post) []string { return f.Cover })}
			return &mediaFile{node: node{t: t}, m: m, mtime: p.CreateTime, post: p, what: "cover of " + p.ID}
		}
	}
	return nil
}

// videoMedia is the rendition douyinfs serves for a video post.
func (t *tree) videoMedia(p *fetch.Post) *media.Item {
	r := p.Video.Best()
	key := r.Key
	return &media.Item{
		Key:  p.ID + "/" + key,
		URLs: r.URLs,
		Size: r.Size,
		Refresh: t.refreshURLs(p.ID, func(f *fetch.Post) []string {
			if f.Video == nil {
				return nil
			}
			for _, fr := range f.Video.Renditions {
				if fr.Key == key {
					return fr.URLs
				}
			}
			return nil
		}),
	}
}

// refreshURLs re-reads a post when the CDN says its URLs expired, and
// remembers the fresh details for everyone else.
func (t *tree) refreshURLs(id string, pick func(*fetch.Post) []string) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		p, err := t.refreshPost(ctx, id)
		if err != nil {
			return nil, err
		}
		urls := pick(p)
		if len(urls) == 0 {
			return nil, fetch.ErrNotFound
		}
		return urls, nil
	}
}

// refreshPost reads a post's details afresh and remembers them.
func (t *tree) refreshPost(ctx context.Context, id string) (*fetch.Post, error) {
	p, err := t.api.PostDetail(ctx, id)
	if err != nil {
		return nil, err
	}
	t.posts.set(id, p)
	return p, nil
}

// prettyJSON indents what Douyin sent; without a raw object it marshals v
// (minus nothing: the models hold no secrets).
func prettyJSON(raw json.RawMessage, v any) ([]byte, error) {
	var b bytes.Buffer
	if len(raw) > 0 {
		if err := json.Indent(&b, raw, "", "  "); err == nil {
			b.WriteByte('\n')
			return b.Bytes(), nil
		}
	}
	out, err := json.MarshalIndent(v, "", "  ")
	return append(out, '\n'), err
}

// postsDir is a directory of posts: a user's posts or likes, a mix's
// episodes, favourites, a favourite folder, the home feed.
type postsDir struct {
	node
	key     string
	listKey string
	what    string
	mtime   int64 // a mix's update time; 0: the mount time
	order   listOrder
	ttl     time.Duration
	open    func() *fetch.Pager[fetch.Post]
	// belongs says whether a post found by id (a name not listed yet)
	// belongs in this directory. nil accepts any: whether a user liked or
	// collected a post cannot be asked for one post, only by paging.
	belongs func(*fetch.Post) bool
}

func (d *postsDir) list() *listing[fetch.Post] {
	t := d.t
	return getListing(t, d.listKey, func() *listing[fetch.Post] {
		return newListing(t, d.what, d.order, d.ttl, d.open,
			func(p *fetch.Post) string { return p.ID },
			func(p *fetch.Post, _ *uniqueNamer) string { return t.names.postBase(p) },
			playable)
	})
}

func (d *postsDir) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	d.t.attrs.dir(out, d.mtime)
	return 0
}

func (d *postsDir) Getattr(ctx context.Context, f gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return d.fill(ctx, &out.Attr)
}

func (d *postsDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	l := d.list()
	shift := l.begin(ctx)
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: &postsSource{d: d, l: l, shift: shift}}, 0, 0
}

// postsSource streams a post list. A post shows up to four entries (the
// media and the sidecars), so offset = 4*position + entry.
type postsSource struct {
	d     *postsDir
	l     *listing[fetch.Post]
	shift int // the listing's shift when the directory was opened
}

const entriesPerPost = 4

func (s *postsSource) next(ctx context.Context, off uint64) (dirent, uint64, bool, syscall.Errno) {
	idx, sub := int(off/entriesPerPost), int(off%entriesPerPost)
	// Posts prepended by a refresh since opendir move everything down.
	delta := s.l.currentShift() - s.shift
	for {
		e, ok, err := s.l.at(ctx, idx+delta)
		if err != nil {
			return dirent{}, off, false, s.d.t.fail("readdir", s.d.what, err)
		}
		if !ok {
			return dirent{}, off, false, 0
		}
		ents := s.d.t.postEntries(s.d.key, e.name, &e.item)
		if sub < len(ents) {
			return ents[sub], uint64(idx*entriesPerPost + sub + 1), true, 0
		}
		idx, sub = idx+1, 0
	}
}

// splitPostName lists the ways name could be one of a post's entries.
func splitPostName(name string) []struct {
	base string
	kind postKind
} {
	type c = struct {
		base string
		kind postKind
	}
	out := []c{{name, kindImages}}
	for _, s := range []struct {
		suffix string
		kind   postKind
	}{{suffixVideo, kindVideo}, {suffixCover, kindCover}, {suffixJSON, kindMeta}} {
		if base, ok := strings.CutSuffix(name, s.suffix); ok && base != "" {
			out = append(out, c{base, s.kind})
		}
	}
	return out
}

func (d *postsDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	t := d.t
	l := d.list()
	cands := splitPostName(name)
	// Listed already: answered from memory (READDIRPLUS, ls -l, find).
	for _, c := range cands {
		if e, ok := l.lookup(c.base); ok {
			return d.postChild(ctx, name, &e.item, c.kind, out)
		}
	}
	// Not listed yet: the id is in the name, so ask for that one post
	// instead of paging the whole list.
	for _, c := range cands {
		for _, id := range idCandidates(c.base) {
			if _, listed := l.lookupID(id); listed {
				return nil, syscall.ENOENT // listed under another name
			}
			p, err := t.post(ctx, id)
			if err != nil {
				if errno(err) == syscall.ENOENT {
					continue
				}
				return nil, t.fail("lookup", d.what+"/"+name, err)
			}
			if t.names.postBase(p) != c.base || (d.belongs != nil && !d.belongs(p)) {
				continue
			}
			return d.postChild(ctx, name, p, c.kind, out)
		}
	}
	return nil, syscall.ENOENT
}

func (d *postsDir) postChild(ctx context.Context, name string, p *fetch.Post, kind postKind, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	base := d.t.names.postBase(p)
	for _, e := range d.t.postEntries(d.key, base, p) {
		if e.name != name {
			continue
		}
		if n := d.t.postNode(e, p, kind); n != nil {
			return d.t.child(ctx, d.EmbeddedInode(), e, n, out)
		}
	}
	return nil, syscall.ENOENT
}

// imagePostDir is an image post: its pictures in order, and its music.
type imagePostDir struct {
	node
	key  string
	post *fetch.Post
}

const nameMusic = "music.mp3"

func (d *imagePostDir) entries() []dirent {
	p := d.post
	var out []dirent
	for i := range p.Images {
		name := imageName(i, len(p.Images), p.Images[i].Format)
		out = append(out, dirent{name: name, key: keyImage(p.ID, name)})
	}
	if p.Music != nil && len(p.Music.URLs) > 0 {
		out = append(out, dirent{name: nameMusic, key: keyMusic(p.ID)})
	}
	return out
}

func (d *imagePostDir) fill(ctx context.Context, out *fuse.Attr) syscall.Errno {
	d.t.attrs.dir(out, d.post.CreateTime)
	return 0
}

func (d *imagePostDir) Getattr(ctx context.Context, f gofs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	return d.fill(ctx, &out.Attr)
}

func (d *imagePostDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.entries())}, 0, 0
}

func (d *imagePostDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	p := d.post
	for i, e := range d.entries() {
		if e.name != name {
			continue
		}
		var m *media.Item
		if i < len(p.Images) {
			m = d.t.imageMedia(p, i, name)
		} else {
			m = &media.Item{Key: p.ID + "/music", URLs: p.Music.URLs,
				Refresh: d.t.refreshURLs(p.ID, func(f *fetch.Post) []string {
					if f.Music != nil {
						return f.Music.URLs
					}
					return nil
				})}
		}
		n := &mediaFile{node: node{t: d.t}, m: m, mtime: p.CreateTime, post: p, what: p.ID + "/" + name}
		return d.t.child(ctx, d.EmbeddedInode(), e, n, out)
	}
	return nil, syscall.ENOENT
}

// imageMedia is picture i of p, named name. It is read only from mirrors of
// the format its name promises: a fresh answer without one fails the read
// (EIO, logged) rather than serve another encoding under the same name.
// The format is part of the key, so bytes cached under the old key (which
// could be WebP) are never served as a JPEG.
func (t *tree) imageMedia(p *fetch.Post, i int, name string) *media.Item {
	format := p.Images[i].Format
	return &media.Item{
		Key:  p.ID + "/img/" + format + "/" + name,
		URLs: p.Images[i].URLs,
		Refresh: func(ctx context.Context) ([]string, error) {
			f, err := t.refreshPost(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			var urls []string
			if i < len(f.Images) {
				urls = f.Images[i].Mirrors(format)
			}
			if len(urls) == 0 {
				t.log.Warn("a picture's fresh URLs offer no mirror in the format its name promises; not serving another",
					"post", p.ID, "picture", name, "format", format)
				return nil, fmt.Errorf("post %s picture %s: no %s mirror left", p.ID, name, format)
			}
			return urls, nil
		},
	}
}

func (d *imagePostDir) Getxattr(ctx context.Context, attr string, dest []byte) (uint32, syscall.Errno) {
	return getxattr(postXattrs(d.post), attr, dest)
}

func (d *imagePostDir) Listxattr(ctx context.Context, dest []byte) (uint32, syscall.Errno) {
	return listxattr(postXattrs(d.post), dest)
}

// videosDir is videos/: any post by id. It lists the posts used so far.
type videosDir struct {
	plainDir
	key string
}

func (d *videosDir) OpendirHandle(ctx context.Context, flags uint32) (gofs.FileHandle, uint32, syscall.Errno) {
	return &dirHandle{t: d.t, self: d.StableAttr().Ino, src: sliceSource(d.t.usedEntries(d.key))}, 0, 0
}

// Lookup resolves <aweme_id>.mp4 (a video post) or <aweme_id> (an image
// post, a folder).
func (d *videosDir) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*gofs.Inode, syscall.Errno) {
	id, video := strings.CutSuffix(name, suffixVideo)
	if !fetch.IsAwemeID(id) {
		return nil, syscall.ENOENT
	}
	p, err := d.t.post(ctx, id)
	if err != nil {
		return nil, d.t.fail("lookup", "videos/"+name, err)
	}
	var e dirent
	var n filler
	switch {
	case video && isVideo(p):
		e = dirent{name: name, key: keyVideo(p.ID)}
		n = d.t.postNode(e, p, kindVideo)
	case !video && p.IsImagePost():
		e = dirent{name: name, dir: true, key: keyChild(d.key, "post", p.ID)}
		n = d.t.postNode(e, p, kindImages)
	default:
		return nil, syscall.ENOENT
	}
	ino, errno := d.t.child(ctx, d.EmbeddedInode(), e, n, out)
	if errno == 0 {
		d.t.use(d.key, e)
	}
	return ino, errno
}

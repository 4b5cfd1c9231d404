package tree

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/douyinfs/douyinfs/fetch"
	"github.com/douyinfs/douyinfs/fetch/media"
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
func (t *Tree) post(ctx context.Context, id string) (*fetch.Post, error) {
	return t.posts.get(ctx, id, func(ctx context.Context) (*fetch.Post, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.api.PostDetail(ctx, id)
	})
}

// postEntries are the directory entries one post shows in dir dirKey.
func (t *Tree) postEntries(dirKey, base string, p *fetch.Post) []Entry {
	var out []Entry
	if isVideo(p) {
		out = append(out, Entry{Name: base + suffixVideo, Key: keyVideoOf(p)})
	} else {
		out = append(out, Entry{Name: base, Dir: true, Key: keyChild(dirKey, "post", p.ID)})
	}
	if t.cfg.Naming.SidecarJSON {
		out = append(out, Entry{Name: base + suffixJSON, Key: keyMeta(p.ID)})
	}
	if t.cfg.Naming.SidecarCover && len(p.Cover) > 0 {
		out = append(out, Entry{Name: base + suffixCover, Key: keyCover(p.ID)})
	}
	return out
}

// postNode builds the node of entry e of post p, or nil when p has no such
// entry.
func (t *Tree) postNode(e Entry, p *fetch.Post, kind postKind) Node {
	switch kind {
	case kindVideo:
		if isVideo(p) {
			return &MediaFile{Item: t.videoMedia(p), Mtime: p.CreateTime, Post: p, What: "video " + p.ID}
		}
	case kindImages:
		if p.IsImagePost() {
			return t.imagePostFolder(e.Key, p)
		}
	case kindMeta:
		if t.cfg.Naming.SidecarJSON {
			return &BytesFile{Mtime: p.CreateTime, What: "metadata of " + p.ID,
				Content: func(context.Context) ([]byte, error) { return prettyJSON(p.Raw, p) }}
		}
	case kindCover:
		if t.cfg.Naming.SidecarCover && len(p.Cover) > 0 {
			m := &media.Item{Key: p.ID + "/cover", URLs: p.Cover, Refresh: t.refreshURLs(p.ID, func(f *fetch.Post) []string { return f.Cover })}
			return &MediaFile{Item: m, Mtime: p.CreateTime, Post: p, What: "cover of " + p.ID}
		}
	}
	return nil
}

// videoMedia is the rendition douyinfs serves for a video post. Its key
// holds the size, so a re-encode under the same gear name is another file
// (its own size and cache blocks).
func (t *Tree) videoMedia(p *fetch.Post) *media.Item {
	r := *p.Video.Best()
	key := p.ID + "/" + r.Key
	if r.Size > 0 {
		key += "@" + strconv.FormatInt(r.Size, 10)
	}
	var warned atomic.Bool
	return &media.Item{
		Key:  key,
		URLs: r.URLs,
		Size: r.Size,
		// A fresh answer may name its gears otherwise (detail: adapt_*,
		// lists: normal_*): find the same file by fetch.SameFile. When it
		// is gone, fail the read rather than mix two encodings in one
		// file; a new lookup builds the file from the fresh answer.
		Refresh: func(ctx context.Context) ([]string, error) {
			f, err := t.refreshPost(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			var c *fetch.Rendition
			same := false
			if f.Video != nil {
				c, same = fetch.Closest(r, f.Video.Renditions)
			}
			if same {
				return c.URLs, nil
			}
			closest := "none"
			if c != nil {
				closest = fmt.Sprintf("%s (%s %dx%d, %d bytes)", c.Key, c.Codec, c.Width, c.Height, c.Size)
			}
			if !warned.Swap(true) {
				t.log.Warn("a video's fresh answer no longer has the encoding an open file reads; failing the read rather than mixing encodings (open it again for the new one)",
					"post", p.ID, "rendition", r.Key, "size", r.Size, "closest", closest)
			}
			return nil, fmt.Errorf("post %s: rendition %s (%d bytes) is gone; closest now %s", p.ID, r.Key, r.Size, closest)
		},
	}
}

// refreshURLs re-reads a post when the CDN says its URLs expired, and
// remembers the fresh details for everyone else.
func (t *Tree) refreshURLs(id string, pick func(*fetch.Post) []string) func(context.Context) ([]string, error) {
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
func (t *Tree) refreshPost(ctx context.Context, id string) (*fetch.Post, error) {
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

// imagePostFolder is an image post: its pictures in order, and its music.
func (t *Tree) imagePostFolder(key string, p *fetch.Post) *Fixed {
	list := func() []Entry {
		var out []Entry
		for i := range p.Images {
			name := imageName(i, len(p.Images), p.Images[i].Format)
			out = append(out, Entry{Name: name, Key: keyImage(p.ID, name)})
		}
		if p.Music != nil && len(p.Music.URLs) > 0 {
			out = append(out, Entry{Name: nameMusic, Key: keyMusic(p.ID)})
		}
		return out
	}
	f := fixedEntries(p.CreateTime, list, func(e Entry) Node {
		var m *media.Item
		if e.Name == nameMusic {
			m = &media.Item{Key: p.ID + "/music", URLs: p.Music.URLs,
				Refresh: t.refreshURLs(p.ID, func(f *fetch.Post) []string {
					if f.Music != nil {
						return f.Music.URLs
					}
					return nil
				})}
		} else {
			m = t.imageMedia(p, slices.IndexFunc(list(), func(o Entry) bool { return o.Name == e.Name }), e.Name)
		}
		return &MediaFile{Item: m, Mtime: p.CreateTime, Post: p, What: p.ID + "/" + e.Name}
	})
	f.xattrs = PostXattrs(p)
	return f
}

const nameMusic = "music.mp3"

// imageMedia is picture i of p, named name. It is read only from mirrors of
// the format its name promises: a fresh answer without one fails the read
// (EIO, logged) rather than serve another encoding under the same name.
// The format is part of the key, so bytes cached under the old key (which
// could be WebP) are never served as a JPEG.
func (t *Tree) imageMedia(p *fetch.Post, i int, name string) *media.Item {
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

// videosFolder is videos/: any post by id. It lists the posts used so far.
// <aweme_id>.mp4 is a video post, <aweme_id> an image post (a folder).
func (t *Tree) videosFolder(key string) *ByID {
	return &ByID{key: key, t: t, remember: true,
		resolve: func(ctx context.Context, name string) (Child, syscall.Errno) {
			id, video := strings.CutSuffix(name, suffixVideo)
			if !fetch.IsAwemeID(id) {
				return Child{}, syscall.ENOENT
			}
			p, err := t.post(ctx, id)
			if err != nil {
				return Child{}, t.Fail("lookup", "videos/"+name, err)
			}
			switch {
			case video && isVideo(p):
				e := Entry{Name: name, Key: keyVideoOf(p)}
				return Child{Entry: e, Node: t.postNode(e, p, kindVideo)}, 0
			case !video && p.IsImagePost():
				e := Entry{Name: name, Dir: true, Key: keyChild(key, "post", p.ID)}
				return Child{Entry: e, Node: t.postNode(e, p, kindImages)}, 0
			}
			return Child{}, syscall.ENOENT
		}}
}

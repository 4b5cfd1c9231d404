package tree

import (
	"hash/fnv"
	"strconv"

	"github.com/douyinfs/douyinfs/fetch"
)

// Every node has a key: a string naming what it shows, built from Douyin ids
// and the kind of entry ("video:<aweme_id>", "user:<sec_uid>/posts", ...).
// The inode number is a hash of the key, so it is the same after a remount
// and in every listing a post appears in.
//
// Files share one key wherever they appear (a liked video is the same file
// in likes/ and videos/, like a hard link, and shares the kernel's page
// cache). Directories never do: the kernel refuses a directory with two
// parents, so a directory's key includes its parent's.

// InodeOf maps a key to an inode number. The top bit is cleared to stay out
// of go-fuse's automatic range, and 0 and 1 (invalid, the root) are avoided.
func InodeOf(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	ino := h.Sum64() &^ (1 << 63)
	if ino <= 1 {
		ino += 2
	}
	return ino
}

// Keys of files; they depend on the Douyin id only.
func keyVideo(awemeID string) string         { return "video:" + awemeID }
func keyImage(awemeID, name string) string   { return "image:" + awemeID + "/" + name }
func keyMusic(awemeID string) string         { return "music:" + awemeID }
func keyMeta(awemeID string) string          { return "meta:" + awemeID }
func keyCover(awemeID string) string         { return "cover:" + awemeID }
func keyAvatar(secUID string) string         { return "avatar:" + secUID }
func keyProfile(secUID string) string        { return "profile:" + secUID }
func keyRoomFile(dirKey, name string) string { return dirKey + "/" + name }

// keyVideoOf is the key of p's video file: with the size of the rendition
// served, so another encoding (a re-encode, or a detail answer's other gear
// set) is another inode, never old pages under a new size.
func keyVideoOf(p *fetch.Post) string {
	if r := p.Video.Best(); r != nil && r.Size > 0 {
		return keyVideo(p.ID) + "@" + strconv.FormatInt(r.Size, 10)
	}
	return keyVideo(p.ID)
}

// keyChild is the key of a directory (or synthetic file) under a parent.
func keyChild(parentKey, kind, id string) string { return parentKey + "/" + kind + ":" + id }

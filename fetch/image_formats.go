package fetch

import (
	"net/url"
	"strings"
)

// Image formats (Image.Format), named as the file extension fs shows.
const (
	FormatJPEG = "jpeg"
	FormatWebP = "webp"
)

// urlFormat is the image format a media URL names by its path's extension
// ("…~tplv-dy-aweme-images:q75.webp?x-expires=…" is "webp", ".jpg" is
// "jpeg"), or "" when the path names none (".../obj/tos-cn-p-0015/<id>").
// Douyin's image CDN converts by that extension, so it is the format of
// the bytes; the query (signatures) is ignored.
func urlFormat(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	seg := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	dot := strings.LastIndexByte(seg, '.')
	if dot < 0 {
		return ""
	}
	ext := strings.ToLower(seg[dot+1:])
	if ext == "jpg" {
		return FormatJPEG
	}
	if ext == "" || len(ext) > 5 {
		return ""
	}
	for _, c := range ext {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return ""
		}
	}
	return ext
}

// pickImageFormat chooses the format a picture is served in: JPEG when any
// mirror offers it (every real url_list does: 3 WebP + 1 JPEG), else WebP,
// else the first other format a URL names; URLs that name no format are
// used only when none does (format ""). Serving one format only keeps a
// failover from switching a file's bytes to another encoding.
func pickImageFormat(list []string) string {
	var first string
	seen := map[string]bool{}
	for _, u := range list {
		f := urlFormat(u)
		seen[f] = true
		if first == "" {
			first = f
		}
	}
	switch {
	case seen[FormatJPEG]:
		return FormatJPEG
	case seen[FormatWebP]:
		return FormatWebP
	}
	return first
}

// urlsOfFormat are the mirrors of list in format, in Douyin's order.
func urlsOfFormat(list []string, format string) []string {
	var out []string
	for _, u := range list {
		if urlFormat(u) == format {
			out = append(out, u)
		}
	}
	return out
}

// Mirrors are the picture's mirrors in format (one its name promises), in
// Douyin's order; nil when this answer has none in that format.
func (im *Image) Mirrors(format string) []string {
	return urlsOfFormat(im.All, format)
}

// jpegCover is the first of the lists that has JPEG mirrors, those only:
// douyinfs names covers .jpeg. Nil when no list offers a JPEG.
func jpegCover(lists ...[]string) []string {
	for _, l := range lists {
		if j := urlsOfFormat(l, FormatJPEG); len(j) > 0 {
			return j
		}
	}
	return nil
}

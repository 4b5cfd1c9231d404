package fetch

import "github.com/douyinfs/douyinfs/fetch/httpx"

// Image formats (Image.Format), named as the file extension fs shows.
const (
	FormatJPEG = "jpeg"
	FormatWebP = "webp"
)

// Formats are named by the URL's path (httpx.URLFormat): Douyin's image
// CDN converts by its extension, so it is the format of the bytes.

// pickImageFormat chooses the format a picture is served in: JPEG when any
// mirror offers it (every real url_list does: 3 WebP + 1 JPEG), else WebP,
// else the first other format a URL names; URLs that name no format are
// used only when none does (format ""). Serving one format only keeps a
// failover from switching a file's bytes to another encoding.
func pickImageFormat(list []string) string {
	var first string
	seen := map[string]bool{}
	for _, u := range list {
		f := httpx.URLFormat(u)
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
		if httpx.URLFormat(u) == format {
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

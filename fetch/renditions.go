package fetch

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Video quality settings (config read.video_quality).
const (
	QualityBest     = "best"
	QualityH264     = "h264"
	QualitySmallest = "smallest"
)

// Codec names of Rendition.Codec.
const (
	CodecH264 = "h264"
	CodecH265 = "h265"
)

// renditions lists a video's encodings, best first for quality.
//
// Sources: every video.bit_rate[] entry with a play URL (Douyin's "gears"),
// except format "dash": since 2025 Douyin lists most gears twice, as "mp4"
// and as "dash", and a DASH gear is a video-only stream (its audio is in
// bit_rate_audio), which is no playable file. When no gear is left (older,
// trimmed or DASH-only responses), video.play_addr becomes the only
// rendition, so such a post still plays.
//
// Key is gear_name (e.g. "normal_1080_0"); play_addr's rendition is
// "play_addr". A gear name is not stable across endpoints (the real detail
// answer names its gears adapt_*, lists normal_*): use SameFile and
// Closest to find a rendition again. A key
// seen twice gets "_<bitrate>" appended so keys stay unique and stable.
// Codec is h265 when is_h265 or is_bytevc1 is set (ByteVC1 is ByteDance's
// HEVC), else h264. Size is play_addr.data_size (exact bytes) when given.
//
// Order:
//   - "best" (and anything unknown): highest bitrate first; on equal bitrate
//     H.264 first (it plays everywhere), then more pixels, then key.
//   - "h264": every H.264 rendition first in "best" order, then the others
//     in "best" order, so H.265 is used only when there is no H.264.
//   - "smallest": fewest bytes first (data_size when every rendition has
//     one, else bitrate as the measure), H.264 first on ties, then key.
//
// Bitrate rather than resolution leads because Douyin's gears show that a
// lower resolution can be encoded at a higher bitrate than a higher one
// (normal_540_0 above normal_720_0 in real lists) and the top entry is
// always the 1080p H.264 master.
func renditions(v *videoJSON, quality string) []Rendition {
	var out []Rendition
	seen := map[string]bool{}
	add := func(r Rendition) {
		if seen[r.Key] {
			r.Key += "_" + strconv.FormatInt(r.Bitrate, 10)
		}
		for i, base := 2, r.Key; seen[r.Key]; i++ { // same gear and bitrate twice
			r.Key = base + "_" + strconv.Itoa(i)
		}
		seen[r.Key] = true
		out = append(out, r)
	}
	for _, br := range v.BitRate {
		pa := br.PlayAddr
		if len(pa.list()) == 0 || strings.EqualFold(string(br.Format), "dash") {
			continue
		}
		codec := CodecH264
		if br.IsH265 != 0 || br.IsByteVC1 != 0 {
			codec = CodecH265
		}
		key := string(br.GearName)
		if key == "" {
			key = "gear_" + strconv.FormatInt(int64(br.BitRate), 10)
		}
		add(Rendition{
			Key:     key,
			Bitrate: int64(br.BitRate),
			Codec:   codec,
			Width:   firstNonZero(int(pa.Width), int(v.Width)),
			Height:  firstNonZero(int(pa.Height), int(v.Height)),
			Size:    int64(pa.DataSize),
			Hash:    string(pa.FileHash),
			URLs:    pa.list(),
		})
	}
	if len(out) == 0 && len(v.PlayAddr.list()) > 0 {
		pa := v.PlayAddr
		codec := CodecH264
		if k := strings.ToLower(string(pa.URLKey)); strings.Contains(k, "bytevc1") || strings.Contains(k, "h265") {
			codec = CodecH265
		}
		add(Rendition{
			Key:    "play_addr",
			Codec:  codec,
			Width:  firstNonZero(int(pa.Width), int(v.Width)),
			Height: firstNonZero(int(pa.Height), int(v.Height)),
			Size:   int64(pa.DataSize),
			Hash:   string(pa.FileHash),
			URLs:   pa.list(),
		})
	}
	orderRenditions(out, quality)
	return out
}

// orderRenditions sorts rs in place for quality; see renditions.
func orderRenditions(rs []Rendition, quality string) {
	h264First := func(a, b Rendition) int {
		return cmp.Compare(codecRank(a), codecRank(b))
	}
	best := func(a, b Rendition) int {
		return cmp.Or(
			cmp.Compare(b.Bitrate, a.Bitrate),
			h264First(a, b),
			cmp.Compare(b.Width*b.Height, a.Width*a.Height),
			strings.Compare(a.Key, b.Key),
		)
	}
	switch quality {
	case QualityH264:
		slices.SortStableFunc(rs, func(a, b Rendition) int {
			return cmp.Or(h264First(a, b), best(a, b))
		})
	case QualitySmallest:
		bySize := len(rs) > 0
		for _, r := range rs {
			if r.Size <= 0 {
				bySize = false
			}
		}
		measure := func(r Rendition) int64 {
			if bySize {
				return r.Size
			}
			return r.Bitrate
		}
		slices.SortStableFunc(rs, func(a, b Rendition) int {
			return cmp.Or(
				cmp.Compare(measure(a), measure(b)),
				h264First(a, b),
				strings.Compare(a.Key, b.Key),
			)
		})
	default:
		slices.SortStableFunc(rs, best)
	}
}

// SameFile reports whether a and b are the same encoded file, so bytes of
// one may be served as the other. Gear names cannot tell (see renditions),
// nor can play_addr.uri (one per video, shared by all its gears, in every
// real capture), so identity is codec, resolution and data_size, plus
// file_hash when both carry one. Open fact 4 (spec §11): data_size and
// file_hash are assumed to describe the file the CDN serves and to be
// the same in list and detail answers. Without a size on both sides only
// the same key, codec and resolution count as the same file.
func SameFile(a, b Rendition) bool {
	if a.Codec != b.Codec || a.Width != b.Width || a.Height != b.Height {
		return false
	}
	if a.Hash != "" && b.Hash != "" && a.Hash != b.Hash {
		return false
	}
	if a.Size <= 0 || b.Size <= 0 {
		return a.Key == b.Key
	}
	return a.Size == b.Size
}

// Closest finds r again among rs (say, a fresh answer's renditions): the
// same file if present (same reports it), else the nearest encoding: same
// codec first, then the nearest resolution (short side), then the nearest
// bit rate, then key order. Nil when rs is empty.
func Closest(r Rendition, rs []Rendition) (c *Rendition, same bool) {
	for i := range rs {
		if SameFile(r, rs[i]) {
			return &rs[i], true
		}
	}
	dist := func(x Rendition) [3]int64 {
		codec := int64(0)
		if x.Codec != r.Codec {
			codec = 1
		}
		res := int64(min(x.Width, x.Height) - min(r.Width, r.Height))
		br := x.Bitrate - r.Bitrate
		return [3]int64{codec, max(res, -res), max(br, -br)}
	}
	for i := range rs {
		if c == nil {
			c = &rs[i]
			continue
		}
		a, b := dist(rs[i]), dist(*c)
		if n := cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[2], b[2]),
			strings.Compare(rs[i].Key, c.Key)); n < 0 {
			c = &rs[i]
		}
	}
	return c, false
}

func codecRank(r Rendition) int {
	if r.Codec == CodecH264 {
		return 0
	}
	return 1
}

func firstNonZero(vs ...int) int {
	for _, v := range vs {
		if v != 0 {
			return v
		}
	}
	return 0
}

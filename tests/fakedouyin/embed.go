package fakedouyin

import _ "embed"

// Real media files served byte for byte by a few posts of the first user
// (made once with ffmpeg; see testdata/README.md).
var (
	//go:embed testdata/real_faststart.mp4
	realFaststartMP4 []byte
	//go:embed testdata/real_moov_at_end.mp4
	realMoovAtEndMP4 []byte
	//go:embed testdata/real_image_01.jpeg
	realImage01 []byte
	//go:embed testdata/real_image_02.jpeg
	realImage02 []byte
	//go:embed testdata/real_music.mp3
	realMusicMP3 []byte
)

// Headers of generated media: each generated file starts with one of these
// small valid files, so that probes (ffprobe, thumbnailers) recognise it.
var (
	//go:embed testdata/template_video.mp4
	templateVideo []byte
	//go:embed testdata/template_image.jpeg
	templateImage []byte
	//go:embed testdata/template_music.mp3
	templateMusic []byte
)

// Live: a 2 s H.264+AAC FLV (about 240 KB/s) whose tags are looped with
// rising timestamps, and the same content as one MPEG-TS segment for HLS.
var (
	//go:embed testdata/live_loop.flv
	liveLoopFLV []byte
	//go:embed testdata/live_segment.ts
	liveSegmentTS []byte
)

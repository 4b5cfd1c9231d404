package fs

import gofs "github.com/hanwen/go-fuse/v2/fs"

// The node and handle types, and the go-fuse interfaces each means to
// implement: a missing method would otherwise fall back silently to
// go-fuse's default (ENOTSUP, or success for some writes).
//
//	dirNode     every directory, over a tree.Folder
//	mediaFile   a file read through the ranged reader (tree.MediaFile)
//	bytesFile   a generated file (tree.BytesFile)
//	liveFile    a live stream (tree.LiveFile)

// Every node refuses writes (readonly.go) and answers xattr reads
// (xattr.go).
var (
	_ = (gofs.NodeGetxattrer)((*node)(nil))
	_ = (gofs.NodeListxattrer)((*node)(nil))
	_ = (gofs.NodeSetattrer)((*node)(nil))
	_ = (gofs.NodeCreater)((*node)(nil))
	_ = (gofs.NodeTmpfiler)((*node)(nil))
	_ = (gofs.NodeMkdirer)((*node)(nil))
	_ = (gofs.NodeMknoder)((*node)(nil))
	_ = (gofs.NodeUnlinker)((*node)(nil))
	_ = (gofs.NodeRmdirer)((*node)(nil))
	_ = (gofs.NodeRenamer)((*node)(nil))
	_ = (gofs.NodeLinker)((*node)(nil))
	_ = (gofs.NodeSymlinker)((*node)(nil))
	_ = (gofs.NodeSetxattrer)((*node)(nil))
	_ = (gofs.NodeRemovexattrer)((*node)(nil))
)

var (
	_ = (filler)((*dirNode)(nil))
	_ = (gofs.NodeGetattrer)((*dirNode)(nil))
	_ = (gofs.NodeLookuper)((*dirNode)(nil))
	_ = (gofs.NodeOpendirHandler)((*dirNode)(nil))
	_ = (gofs.NodeGetxattrer)((*dirNode)(nil))
	_ = (gofs.NodeListxattrer)((*dirNode)(nil))
	_ = (gofs.NodeUnlinker)((*dirNode)(nil))

	_ = (gofs.FileReaddirenter)((*dirHandle)(nil))
	_ = (gofs.FileSeekdirer)((*dirHandle)(nil))
	_ = (gofs.FileReleasedirer)((*dirHandle)(nil))
)

var (
	_ = (filler)((*mediaFile)(nil))
	_ = (gofs.NodeGetattrer)((*mediaFile)(nil))
	_ = (gofs.NodeOpener)((*mediaFile)(nil))
	_ = (gofs.NodeGetxattrer)((*mediaFile)(nil))
	_ = (gofs.NodeListxattrer)((*mediaFile)(nil))
	_ = (gofs.NodeSetattrer)((*mediaFile)(nil))
	_ = (gofs.FileReader)((*mediaHandle)(nil))
	_ = (gofs.FileReleaser)((*mediaHandle)(nil))

	_ = (filler)((*bytesFile)(nil))
	_ = (gofs.NodeGetattrer)((*bytesFile)(nil))
	_ = (gofs.NodeOpener)((*bytesFile)(nil))
	_ = (gofs.NodeSetattrer)((*bytesFile)(nil))
	_ = (gofs.FileReader)((bytesHandle)(nil))

	_ = (filler)((*liveFile)(nil))
	_ = (gofs.NodeGetattrer)((*liveFile)(nil))
	_ = (gofs.NodeOpener)((*liveFile)(nil))
	_ = (gofs.NodeSetattrer)((*liveFile)(nil))
	_ = (gofs.FileReader)((*liveHandle)(nil))
	_ = (gofs.FileReleaser)((*liveHandle)(nil))
)

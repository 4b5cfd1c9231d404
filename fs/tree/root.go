package tree

import (
	"context"
	"syscall"
)

// Names at the top of the tree.
const (
	nameReadme = "README.txt"
	nameUsers  = "users"
	nameVideos = "videos"
	nameMixes  = "mixes"
	nameLive   = "live"
	nameMe     = "me"
	nameMeta   = ".douyinfs"
	nameStats  = "stats.json"
	nameStatus = "status.txt"
)

// newRoot builds the top of the tree once: its folders are views on t, so
// the same ones serve every lookup.
func (t *Tree) newRoot(stats func(context.Context) ([]byte, error)) Folder {
	statsFile := &BytesFile{What: "stats.json", Direct: true, Content: stats}
	statusFile := &BytesFile{What: "status.txt", Direct: true, Content: func(context.Context) ([]byte, error) { return t.statusText(), nil }}
	nodes := map[string]Node{
		nameReadme: &BytesFile{Content: func(context.Context) ([]byte, error) { return t.readme(), nil }},
		nameUsers:  t.usersFolder("users"),
		nameVideos: t.videosFolder("videos"),
		nameMixes:  t.mixesFolder("mixes"),
		nameLive:   t.liveFolder("live"),
		nameMe:     t.meFolder("me"),
		// .douyinfs/ holds the daemon's own files.
		nameMeta: fixedEntries(0, func() []Entry {
			return []Entry{{Name: nameStats, Key: "meta/stats"}, {Name: nameStatus, Key: "meta/status"}}
		}, func(e Entry) Node {
			if e.Name == nameStatus {
				return statusFile
			}
			return statsFile
		}),
	}
	list := func() []Entry {
		es := []Entry{
			{Name: nameReadme, Key: "readme"},
			{Name: nameUsers, Dir: true, Key: "users"},
			{Name: nameVideos, Dir: true, Key: "videos"},
			{Name: nameMixes, Dir: true, Key: "mixes"},
			{Name: nameLive, Dir: true, Key: "live"},
		}
		// me/ exists only for a logged-in account: a guest has no favourites.
		if t.api.LoggedIn() {
			es = append(es, Entry{Name: nameMe, Dir: true, Key: "me"})
		}
		return append(es, Entry{Name: nameMeta, Dir: true, Key: "meta"})
	}
	root := fixedEntries(0, list, func(e Entry) Node { return nodes[e.Name] })
	// comments/ and related/ are reached by name only: they list nothing,
	// and the root lists what a walk can use.
	byName := map[string]Node{nameComments: t.commentsFolder(nameComments), nameRelated: t.relatedFolder(nameRelated)}
	listed := root.find
	root.find = func(ctx context.Context, name string) (Child, syscall.Errno) {
		if n, ok := byName[name]; ok {
			return Child{Entry: Entry{Name: name, Dir: true, Key: name}, Node: n}, 0
		}
		return listed(ctx, name)
	}
	return root
}

package media

import (
	"net/url"
	"strings"
	"sync"

	"github.com/douyinfs/douyinfs/fetch/httpx"
)

// mirrorMemory remembers, per mirror-list family, the index of the mirror
// that worked last, so that a new media of a family starts there: a dead
// first mirror then costs one request in all, not one per file.
type mirrorMemory struct {
	mu   sync.Mutex
	last map[string]int
}

// mirrorMemoryMax bounds the families remembered; past it the memory starts
// again (it is only a hint).
const mirrorMemoryMax = 1024

func (m *mirrorMemory) get(family string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last[family]
}

func (m *mirrorMemory) set(family string, i int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil || len(m.last) >= mirrorMemoryMax {
		m.last = make(map[string]int)
	}
	m.last[family] = i
}

// mirrorFamily is the shape of a mirror list: each URL's host and the
// format its path names, in order. Lists of one shape come from the same
// CDN hosts in the same roles (a video's two CDN hosts and play URL; a
// picture's JPEG mirrors), so what worked for one says something about the
// next; an index learned on a video's list or a WebP's says nothing about a
// JPEG picture's, and must not pick its mirror.
func mirrorFamily(urls []string) string {
	var b strings.Builder
	for _, raw := range urls {
		host := ""
		if u, err := url.Parse(raw); err == nil {
			host = u.Host
		}
		b.WriteString(host)
		b.WriteByte('|')
		b.WriteString(httpx.URLFormat(raw))
		b.WriteByte(' ')
	}
	return b.String()
}

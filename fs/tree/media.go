package tree

import (
	"context"
	"errors"

	"github.com/douyinfs/douyinfs/fetch/media"
)

// MediaSize is m's exact size: from the listing when Douyin gave it, else
// asked of the CDN once and remembered (sizes never change).
func (t *Tree) MediaSize(ctx context.Context, m *media.Item) (int64, error) {
	if m.Size > 0 {
		if t.media == nil {
			return m.Size, nil
		}
		// No I/O: data_size, or the CDN's size once an answer has told it
		// (they differ now and then: spec §11 open fact 4).
		return t.media.Size(ctx, m)
	}
	if t.media == nil {
		return 0, errors.New("no media reader")
	}
	return t.sizes.get(ctx, m.Key, func(ctx context.Context) (int64, error) {
		ctx, cancel := t.APIContext(ctx)
		defer cancel()
		return t.media.Size(ctx, m)
	})
}

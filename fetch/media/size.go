package media

import "context"

// Size is the media's exact size as the CDN reports it. When no answer has
// told it yet it fetches the first block, whose Content-Range carries the
// total (the block stays cached for the read that usually follows). fs asks
// on open, before the kernel reads anything: data_size may be wrong (spec
// §11 open fact 4), and a file whose size the kernel believes too small
// would be cut short, one it believes too large would read as zeros past
// the real end.
func (h *Handle) Size(ctx context.Context) (int64, error) {
	if h.err != nil {
		return 0, h.err
	}
	if n, ok := h.st.knownSize(); ok {
		return n, nil
	}
	return h.r.learnSize(ctx, h.st)
}

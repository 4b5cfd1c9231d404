package media

import (
	"context"
	"fmt"
	"io"

	"github.com/douyinfs/douyinfs/cache"
)

// A CDN that ignores Range answers every ranged GET with 200 and the whole
// file (whether the real one always honours Range is spec §11 open fact
// 7). Bytes are still exact: the reader skips to the range it asked for.
// But every later range would download the file from its start again, so
// the bytes of such a body that lie outside the range are kept as cache
// blocks wherever nobody has them yet.

// keepBlocks reads whole blocks first..last of an unranged body (total
// bytes long) into the cache: each block nobody has is claimed and filled,
// each one cached or being filled elsewhere is read past. With consume it
// always reads all of them (bytes before the range asked for); without, it
// stops at the first block the memory budget has no room for, and the rest
// of the body is dropped with the connection.
func (r *Reader) keepBlocks(ctx context.Context, st *itemState, body io.Reader, first, last, total int64, consume bool) error {
	lastIdx := (total - 1) / r.bs
	for idx := first; idx <= last; idx++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		size := min(r.bs, total-idx*r.bs)
		run := r.blocks.TryClaim(cache.ClaimRequest{Media: st.key, First: idx, Sizes: []int{int(size)}, Last: lastIdx})
		if run == nil {
			if !consume && !r.blocks.Contains(cache.BlockKey{Media: st.key, Index: idx}) {
				return nil // no memory to spare
			}
			if _, err := io.CopyN(io.Discard, body, size); err != nil {
				return fmt.Errorf("reading past block %d of an unranged body: %w", idx, err)
			}
			continue
		}
		n, err := io.ReadFull(body, run.Buf(0))
		r.st.bytes.Add(int64(n))
		if err != nil {
			run.Finish(nil) // waiters fetch the block themselves
			return fmt.Errorf("block %d of an unranged body: %w", idx, err)
		}
		run.Done(0, n, false)
		run.Finish(nil)
	}
	return nil
}

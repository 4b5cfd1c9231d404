package cache

import (
	"errors"
	"sync/atomic"
)

var errTooLarge = errors.New("cache: request larger than the memory budget")

// BlockKey names one block: the media's cache key and the block's index
// (offset / block size).
type BlockKey struct {
	Media string
	Index int64
}

// Block is one cached block of media bytes. It is reference counted: the
// cache, a fill in flight, a reader's read-ahead and a reader copying bytes
// out each hold a reference, and the buffer goes back to the budget when the
// last one is released. Its bytes never change once it is complete.
type Block struct {
	key  BlockKey
	data []byte // the whole buffer; bytes [0, n) are valid once complete
	n    int    // valid length once complete
	size int64  // what the block costs the budget: cap(data), less what a shrink moved out
	refs atomic.Int32
	// holders counts the references that readers' Holds own: when every
	// reference is a hold's, dropping the holds frees the memory.
	holders atomic.Int32
	budget  *budget
}

func newBlock(key BlockKey, bg *budget, size int) *Block {
	b := &Block{key: key, data: bg.buffer(size), budget: bg}
	b.size = int64(cap(b.data))
	b.refs.Store(1)
	return b
}

// Key is the block's identity.
func (b *Block) Key() BlockKey { return b.key }

// Bytes are the block's bytes; valid until Release. Shorter than the block
// size only for the last block of a media.
func (b *Block) Bytes() []byte { return b.data[:b.n] }

// cost is the memory the block holds.
func (b *Block) cost() int64 { return b.size }

// ref adds a reference; the caller must already hold one.
func (b *Block) ref() { b.refs.Add(1) }

// tryRef adds a reference unless the block was already freed. A freed Block
// is never reused (only its buffer is), so a stale pointer fails here and is
// treated as a miss.
func (b *Block) tryRef() bool {
	for {
		r := b.refs.Load()
		if r <= 0 {
			return false
		}
		if b.refs.CompareAndSwap(r, r+1) {
			return true
		}
	}
}

// Release drops one reference; the last one returns the buffer.
func (b *Block) Release() {
	switch r := b.refs.Add(-1); {
	case r == 0:
		buf := b.data
		b.data = nil
		b.budget.release(b.size, buf)
	case r < 0:
		panic("cache: block released twice")
	}
}

// onlyHeld reports whether every reference left is a hold's, i.e. dropping
// the block from the holds would free the memory. Several readers of one
// media may hold the same block; none of them alone can free it.
func (b *Block) onlyHeld() bool {
	h := b.holders.Load()
	return h > 0 && b.refs.Load() == h
}

package cache

import (
	"container/list"
	"sync"
)

// pinned is a small LRU area for the first and last block of every media,
// apart from the ristretto cache. Media scanners (thumbnailers, ffprobe,
// file managers) read the head and the tail of each file, each exactly once
// or twice: ristretto's TinyLFU admission would reject such once-seen blocks
// in favour of what is being streamed, and a scanner coming back to the head
// after the tail would cost another request. Plain recency is what a scanner
// needs.
type pinned struct {
	limit int64

	mu    sync.Mutex
	bytes int64
	lru   list.List // *Block, most recent first
	index map[BlockKey]*list.Element
}

func newPinned(limit int64) *pinned {
	return &pinned{limit: limit, index: make(map[BlockKey]*list.Element)}
}

// get returns a referenced block or nil.
func (p *pinned) get(key BlockKey) *Block {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.index[key]
	if !ok {
		return nil
	}
	b := e.Value.(*Block)
	if !b.tryRef() {
		return nil
	}
	p.lru.MoveToFront(e)
	return b
}

// put stores b, taking over the caller's reference. It returns how many
// blocks it evicted; b itself is refused (released) when it alone exceeds
// the area.
func (p *pinned) put(b *Block) (evicted int) {
	if b.cost() > p.limit {
		b.Release()
		return 0
	}
	var victims []*Block
	p.mu.Lock()
	if e, ok := p.index[b.key]; ok {
		old := e.Value.(*Block)
		p.bytes -= old.cost()
		p.lru.Remove(e)
		delete(p.index, b.key)
		victims = append(victims, old)
	}
	p.index[b.key] = p.lru.PushFront(b)
	p.bytes += b.cost()
	for p.bytes > p.limit {
		e := p.lru.Back()
		old := e.Value.(*Block)
		p.lru.Remove(e)
		delete(p.index, old.key)
		p.bytes -= old.cost()
		victims = append(victims, old)
		evicted++
	}
	p.mu.Unlock()
	// Release outside the lock: a release may wake budget waiters.
	for _, v := range victims {
		v.Release()
	}
	return evicted
}

func (p *pinned) del(key BlockKey) {
	p.mu.Lock()
	e, ok := p.index[key]
	if ok {
		p.lru.Remove(e)
		delete(p.index, key)
		p.bytes -= e.Value.(*Block).cost()
	}
	p.mu.Unlock()
	if ok {
		e.Value.(*Block).Release()
	}
}

func (p *pinned) size() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

func (p *pinned) clear() {
	p.mu.Lock()
	var all []*Block
	for e := p.lru.Front(); e != nil; e = e.Next() {
		all = append(all, e.Value.(*Block))
	}
	p.lru.Init()
	p.index = make(map[BlockKey]*list.Element)
	p.bytes = 0
	p.mu.Unlock()
	for _, b := range all {
		b.Release()
	}
}

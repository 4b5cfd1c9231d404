// Package cache holds douyinfs's in-memory caches: media blocks under one
// byte budget, and API metadata under TTLs. Both sit on ristretto.
package cache

// CONTRACT STUBS; the cache engineer replaces the bodies.

// Blocks caches media blocks under one global byte budget.
type Blocks struct{}

// BlocksConfig sizes the block cache.
type BlocksConfig struct {
	Budget    int64 // bytes for cached blocks plus in-flight read-ahead
	BlockSize int64
}

func NewBlocks(cfg BlocksConfig) (*Blocks, error) { return &Blocks{}, nil }
func (b *Blocks) Close()                          {}

// BlockStats are counters for .douyinfs/stats.json and metrics.
type BlockStats struct {
	Hits, Misses, Evictions int64
	Bytes                   int64 // held now
	InFlight                int64 // bytes reserved by fetches in flight
}

func (b *Blocks) Stats() BlockStats { return BlockStats{} }

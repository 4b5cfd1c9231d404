// Package cache holds douyinfs's in-memory caches: media blocks under one
// byte budget (Blocks), and API metadata under TTLs (TTL). Both sit on
// ristretto.
package cache

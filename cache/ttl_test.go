package cache

import (
	"fmt"
	"testing"
	"time"
)

type listingKey struct {
	user string
	page int
}

func TestTTLSetGetDelete(t *testing.T) {
	c := NewTTL[listingKey, []string](100)
	defer c.Close()
	k := listingKey{"alice", 1}
	if _, ok := c.Get(k); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Set(k, []string{"a", "b"}, time.Minute)
	v, ok := c.Get(k)
	if !ok || len(v) != 2 || v[1] != "b" {
		t.Fatalf("Get after Set: %v %v", v, ok)
	}
	if _, ok := c.Get(listingKey{"alice", 2}); ok {
		t.Fatal("hit for another key")
	}
	c.Set(k, []string{"c"}, time.Minute)
	if v, _ := c.Get(k); len(v) != 1 || v[0] != "c" {
		t.Fatalf("update not seen: %v", v)
	}
	c.Delete(k)
	if _, ok := c.Get(k); ok {
		t.Fatal("hit after Delete")
	}
	s := c.Stats()
	if s.Hits != 2 || s.Misses != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestTTLExpires(t *testing.T) {
	c := NewTTL[string, int](100)
	defer c.Close()
	c.Set("short", 1, 20*time.Millisecond)
	c.Set("long", 2, time.Hour)
	c.Set("forever", 3, 0)
	if _, ok := c.Get("short"); !ok {
		t.Fatal("entry missing before its TTL")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := c.Get("short"); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("entry outlived its TTL")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if v, ok := c.Get("long"); !ok || v != 2 {
		t.Fatal("long-lived entry gone")
	}
	if v, ok := c.Get("forever"); !ok || v != 3 {
		t.Fatal("entry without TTL gone")
	}
	c.Clear()
	if _, ok := c.Get("long"); ok {
		t.Fatal("hit after Clear")
	}
	c.Set("again", 4, time.Minute)
	if v, ok := c.Get("again"); !ok || v != 4 {
		t.Fatal("cache unusable after Clear")
	}
}

func TestTTLBoundedByMaxItems(t *testing.T) {
	c := NewTTL[int, string](50)
	defer c.Close()
	for i := range 1000 {
		c.Set(i, fmt.Sprint(i), time.Minute)
	}
	n := 0
	for i := range 1000 {
		if v, ok := c.Get(i); ok {
			if v != fmt.Sprint(i) {
				t.Fatalf("key %d has value %q", i, v)
			}
			n++
		}
	}
	if n == 0 || n > 50 {
		t.Fatalf("%d entries held with maxItems 50", n)
	}
	if c.Stats().Evictions == 0 {
		t.Fatal("no evictions counted")
	}
}

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
	c := NewTTL[listingKey, []string](100, time.Minute)
	defer c.Close()
	k := listingKey{"alice", 1}
	if _, ok := c.Get(k); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Set(k, []string{"a", "b"})
	v, ok := c.Get(k)
	if !ok || len(v) != 2 || v[1] != "b" {
		t.Fatalf("Get after Set: %v %v", v, ok)
	}
	if _, ok := c.Get(listingKey{"alice", 2}); ok {
		t.Fatal("hit for another key")
	}
	c.Set(k, []string{"c"})
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
	short := NewTTL[string, int](100, 20*time.Millisecond)
	defer short.Close()
	long := NewTTL[string, int](100, time.Hour)
	defer long.Close()
	forever := NewTTL[string, int](100, 0)
	defer forever.Close()
	short.Set("short", 1)
	long.Set("long", 2)
	forever.Set("forever", 3)
	if _, ok := short.Get("short"); !ok {
		t.Fatal("entry missing before its TTL")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := short.Get("short"); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("entry outlived its TTL")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if v, ok := long.Get("long"); !ok || v != 2 {
		t.Fatal("long-lived entry gone")
	}
	if v, ok := forever.Get("forever"); !ok || v != 3 {
		t.Fatal("entry without TTL gone")
	}
	long.Clear()
	if _, ok := long.Get("long"); ok {
		t.Fatal("hit after Clear")
	}
	long.Set("again", 4)
	if v, ok := long.Get("again"); !ok || v != 4 {
		t.Fatal("cache unusable after Clear")
	}
}

// A full cache keeps every new entry and pushes out the least recently
// used one (ristretto, used before, could refuse new entries).
func TestTTLBoundedByMaxItems(t *testing.T) {
	c := NewTTL[int, string](50, time.Minute)
	defer c.Close()
	for i := range 50 {
		c.Set(i, fmt.Sprint(i))
	}
	c.Get(0)
	c.Set(50, "50")
	if _, ok := c.Get(0); !ok {
		t.Fatal("a recently read entry was pushed out")
	}
	if _, ok := c.Get(1); ok {
		t.Fatal("the least recently used entry was kept")
	}
	for i := 51; i < 1000; i++ {
		c.Set(i, fmt.Sprint(i))
	}
	for i := range 1000 {
		v, ok := c.Get(i)
		if want := i >= 950; ok != want {
			t.Fatalf("key %d held: %v, want %v", i, ok, want)
		}
		if ok && v != fmt.Sprint(i) {
			t.Fatalf("key %d has value %q", i, v)
		}
	}
	if n := c.Stats().Evictions; n != 950 {
		t.Fatalf("%d evictions counted, want 950", n)
	}
}

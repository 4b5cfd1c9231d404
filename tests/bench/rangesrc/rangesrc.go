// Package rangesrc is what the bench readers read from: a file (on a
// mount, its page cache dropped first) or a URL read with ranged GETs, so
// that each row compares the same reads through a file system and
// straight from the server.
package rangesrc

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Source reads exact byte ranges.
type Source interface {
	// Size is the length; an HTTP source knows it after its first read.
	Size() (int64, error)
	// ReadAt fills p from off; a short answer is an error.
	ReadAt(p []byte, off int64) error
	Close()
}

// Open opens target: an http(s) URL, or a file path.
func Open(target string) (Source, error) {
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		return &httpSource{url: target, client: &http.Client{Timeout: 60 * time.Second}}, nil
	}
	f, err := os.Open(target)
	if err != nil {
		return nil, err
	}
	// Drop what the page cache holds of it, so a row measures the reads.
	const posixFadvDontneed = 4
	syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, posixFadvDontneed, 0, 0)
	return &fileSource{f}, nil
}

type fileSource struct{ f *os.File }

func (s *fileSource) Size() (int64, error) {
	st, err := s.f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func (s *fileSource) ReadAt(p []byte, off int64) error {
	_, err := s.f.ReadAt(p, off)
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("unexpected EOF at %d", off)
	}
	return err
}

func (s *fileSource) Close() { s.f.Close() }

type httpSource struct {
	url    string
	client *http.Client
	total  int64
}

func (s *httpSource) Size() (int64, error) {
	if s.total == 0 {
		return 0, errors.New("size unknown: no Content-Range seen")
	}
	return s.total, nil
}

func (s *httpSource) ReadAt(p []byte, off int64) error {
	req, err := http.NewRequest(http.MethodGet, s.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+int64(len(p))-1))
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return fmt.Errorf("GET %s: %s (want 206)", s.url, resp.Status)
	}
	if cr := resp.Header.Get("Content-Range"); s.total == 0 && cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			s.total, _ = strconv.ParseInt(cr[i+1:], 10, 64)
		}
	}
	_, err = io.ReadFull(resp.Body, p)
	return err
}

func (s *httpSource) Close() { s.client.CloseIdleConnections() }

package fakedouyin

import "time"

// ExpireURLs makes every media URL issued so far expire at once, as if
// URLTTL had passed: the CDN and play hosts answer them 403 (counted in
// Stats.Expired) while URLs issued afterwards work. Tests use it to let a
// URL expire in the middle of a read without waiting for the clock.
//
// Only media URLs follow this clock; signatures, tokens and live stream
// URLs keep the real time. The skew also moves the x-expires of new URLs
// ahead of real time, so a client checking x-expires still sends them.
func (s *Server) ExpireURLs() {
	ttl := s.options().URLTTL
	s.skew.Add(int64(ttl + time.Second))
}

func (s *Server) urlSkew() time.Duration { return time.Duration(s.skew.Load()) }

// urlNow is the time media URLs are checked against.
func (s *Server) urlNow() time.Time { return time.Now().Add(s.urlSkew()) }

package media

// Internals the external tests (package media_test, which also use the
// API client) look at.
var (
	URLExpired     = urlExpired
	WaitGoroutines = waitGoroutines
)

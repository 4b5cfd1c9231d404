package fetch

import "errors"

// errTODO is still referenced by contract stubs elsewhere in the package
// (the media reader's); it goes once they are replaced.
var errTODO = errors.New("fetch: not implemented yet")

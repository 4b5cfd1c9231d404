// Package sign owns everything the Douyin web client computes locally to make
// a request look like it came from a browser: the X-Bogus and a_bogus query
// signatures, their decoders and verifiers (used by the fake Douyin server),
// the synthetic browser fingerprint, the "false" msToken and the
// verifyFp / s_v_web_id identifier.
//
// The byte-level behaviour follows sign/docs/signing.md, which describes
// the Python project F2; bare section numbers in comments (§2.2, §3.6, ...)
// refer to it, and fetch/docs/douyin-web-api.md is named where it is meant.
// Every function except Signer.Sign is pure: time and randomness are
// parameters, nothing does I/O, and the only package-level variables are
// constant tables. Where F2 mishandles unusual input (short strings treated
// as hex, characters above U+00FF, values above 255) the deviation is
// documented on the function concerned.
package sign

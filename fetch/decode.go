package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// decodeJSON decodes a whole response body into v. Numbers are kept exact
// (UseNumber; the field types of this package read raw tokens). A syntax
// error, a body that is not one JSON value, or a top-level type mismatch is
// ErrMalformed.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

// decodeItem decodes one list item (already known to be valid JSON because
// its envelope parsed). A field of an unexpected type is left empty instead
// of failing the item: encoding/json keeps filling the other fields and
// reports the mismatch at the end, which is ignored here on purpose, since
// Douyin changes field types from time to time and one odd field must not
// hide a post. Callers check the item's id.
func decodeItem(raw []byte, v any) error {
	err := json.Unmarshal(raw, v)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// envelope is the part every API response shares.
type envelope struct {
	StatusCode jint `json:"status_code"`
	StatusMsg  jstr `json:"status_msg"`
}

// check turns a non-zero status_code into a *StatusError.
func (e envelope) check(endpoint string) error {
	if e.StatusCode != 0 {
		return &StatusError{Endpoint: endpoint, Code: int64(e.StatusCode), Msg: string(e.StatusMsg)}
	}
	return nil
}

// urlListJSON is Douyin's {uri, url_list, width, height, data_size} shape,
// used for play addresses, covers, avatars and pictures.
type urlListJSON struct {
	URI      jstr `json:"uri"`
	URLList  urls `json:"url_list"`
	Width    jint `json:"width"`
	Height   jint `json:"height"`
	DataSize jint `json:"data_size"`
	URLKey   jstr `json:"url_key"`
	FileHash jstr `json:"file_hash"`
}

func (u *urlListJSON) list() []string {
	if u == nil {
		return nil
	}
	return u.URLList
}

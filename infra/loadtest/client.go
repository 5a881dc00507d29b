package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client is one member calling the local API over loopback.
type client struct {
	http  *http.Client
	base  string
	id    string
	token string
}

// response is what one call returned.
type response struct {
	status int
	body   []byte
	took   time.Duration
}

func (c *client) call(method, path string, body any) (response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: b, took: time.Since(start)}, err
}

// decode reads a JSON response body into v.
func (r response) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("decode %d %q: %w", r.status, r.body, err)
	}
	return nil
}

// pages reads every page of a list endpoint, calling each with the raw
// items.
func (c *client) pages(path string, each func(items json.RawMessage) error) error {
	cursor := ""
	for {
		sep := "?"
		if bytes.ContainsRune([]byte(path), '?') {
			sep = "&"
		}
		p := path + sep + "limit=100"
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		res, err := c.call("GET", p, nil)
		if err != nil {
			return err
		}
		if res.status != 200 {
			return fmt.Errorf("GET %s = %d %s", p, res.status, res.body)
		}
		var page struct {
			Items      json.RawMessage `json:"items"`
			NextCursor string          `json:"next_cursor"`
		}
		if err := res.decode(&page); err != nil {
			return err
		}
		if err := each(page.Items); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		cursor = page.NextCursor
	}
}

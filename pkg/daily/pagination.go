package daily

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// listPage is Daily's list envelope: total_count counts every match, data is one page.
type listPage[T any] struct {
	TotalCount int `json:"total_count"`
	Data       []T `json:"data"`
}

// paginate walks a cursor-paginated list: each next page starts after the cursor of the last
// item. It stops at an empty page or once total_count items were seen. Nothing is requested
// until the sequence is ranged over, and breaking out of the loop stops the requests.
func paginate[T any](ctx context.Context, c *Client, path string, query url.Values, pageSize int, cursor func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		q := url.Values{}
		for k, v := range query {
			q[k] = append([]string(nil), v...)
		}
		if pageSize > 0 {
			q.Set("limit", strconv.Itoa(pageSize))
		}
		seen, after := 0, ""
		for {
			if after != "" {
				q.Set("starting_after", after)
			}
			var page listPage[T]
			if err := c.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
			seen += len(page.Data)
			if len(page.Data) == 0 || (page.TotalCount > 0 && seen >= page.TotalCount) {
				return
			}
			next := cursor(page.Data[len(page.Data)-1])
			if next == "" || next == after {
				yield(zero, fmt.Errorf("daily: GET %s: the page cursor did not advance after %d items", path, seen))
				return
			}
			after = next
		}
	}
}

// Collect gathers a sequence into a slice, stopping at the first error (returned with the
// items gathered so far).
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// setIf adds key=value to q when value is not empty.
func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

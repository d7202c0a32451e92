package dailytest

import (
	"net/url"
	"slices"
	"strconv"
	"time"
)

// oldestCursor is ending_before's special value for the page with the oldest objects.
const oldestCursor = "OLDEST"

type pageQuery struct {
	limit         int
	startingAfter string
	endingBefore  string
}

// parsePage reads limit, starting_after and ending_before. A limit above max is lowered to max
// (Daily documents the maximum, not an error); a limit that is not a positive integer is 400.
func parsePage(q url.Values, max int) (pageQuery, *apiError) {
	pg := pageQuery{limit: max, startingAfter: q.Get("starting_after"), endingBefore: q.Get("ending_before")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pg, badRequest("limit must be a positive integer (at most %d)", max)
		}
		pg.limit = min(n, max)
	}
	if pg.startingAfter != "" && pg.endingBefore != "" {
		return pg, badRequest("starting_after and ending_before cannot be used together")
	}
	return pg, nil
}

// paginate cuts one page out of items (already newest first). starting_after=X gives the
// objects after X, ending_before=X the limit objects right before X, ending_before=OLDEST the
// last limit objects. An unknown cursor is 400, so a client paging on the wrong field fails.
func paginate[T any](items []T, key func(T) string, pg pageQuery) ([]T, *apiError) {
	find := func(cursor, param string) (int, *apiError) {
		i := slices.IndexFunc(items, func(t T) bool { return key(t) == cursor })
		if i < 0 {
			return 0, badRequest("%s: no object with id %q", param, cursor)
		}
		return i, nil
	}
	switch {
	case pg.startingAfter != "":
		i, e := find(pg.startingAfter, "starting_after")
		if e != nil {
			return nil, e
		}
		items = items[i+1:]
		return items[:min(pg.limit, len(items))], nil
	case pg.endingBefore != "":
		end := len(items)
		if pg.endingBefore != oldestCursor {
			i, e := find(pg.endingBefore, "ending_before")
			if e != nil {
				return nil, e
			}
			end = i
		}
		return items[max(0, end-pg.limit):end], nil
	}
	return items[:min(pg.limit, len(items))], nil
}

// sortNewestFirst orders by creation time, newest first; ties go to the later sequence number.
func sortNewestFirst[T any](items []T, created func(T) (time.Time, int64)) {
	slices.SortStableFunc(items, func(a, b T) int {
		at, as := created(a)
		bt, bs := created(b)
		switch {
		case createdBefore(at, as, bt, bs):
			return -1
		case createdBefore(bt, bs, at, as):
			return 1
		}
		return 0
	})
}

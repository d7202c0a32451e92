package daily_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

func TestSleepWaitsOutTheDuration(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if err := daily.Sleep(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v, want nil after the whole wait", err)
	}
	if got := time.Since(start); got < 20*time.Millisecond {
		t.Fatalf("Sleep returned after %v, before its 20ms were up", got)
	}
}

func TestSleepStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- daily.Sleep(ctx, time.Hour) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Sleep = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sleep of an hour did not return after its context was cancelled")
	}
}

func TestSleepOfNothingReportsTheContext(t *testing.T) {
	t.Parallel()
	if err := daily.Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(live ctx, 0) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := daily.Sleep(ctx, -time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(cancelled ctx, -1s) = %v, want context.Canceled", err)
	}
}

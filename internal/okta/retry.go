package okta

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"
)

// retryWhen is this package's retry helper (modelled on the aws provider's tfresource.RetryWhen):
// it calls fn until fn succeeds, fails with an error retryable refuses, has been called rounds
// times, or ctx ends. The pause between calls grows from 200 ms to a 5 s cap. It returns fn's last
// error; when ctx ended first, that error is wrapped with ctx's, so a caller's timeout message
// still says what Okta last answered.
//
// HTTP-level retries stay in the transport: one round here is one whole call with all of the
// transport's retries. This helper is for what the transport cannot see, such as a read shared by
// several callers failing for all of them at once.
func retryWhen(ctx context.Context, rounds int, retryable func(error) bool, fn func(context.Context) error) error {
	return retryPaced(ctx, rounds, retryPause, retryable, fn)
}

// untilCtxEnds is the rounds of a retry that only ctx ends (a write retried within the resource's
// timeout).
const untilCtxEnds = math.MaxInt

// retryPaced is retryWhen with the pause before round n+1 given by pause(n), for a caller whose
// pauses are tuned to what it waits for.
func retryPaced(ctx context.Context, rounds int, pause func(round int) time.Duration, retryable func(error) bool,
	fn func(context.Context) error) error {
	var err error
	for round := 0; round < max(rounds, 1); round++ {
		if round > 0 {
			if serr := sleepCtx(ctx, pause(round-1)); serr != nil {
				return fmt.Errorf("%w (last error: %w)", serr, err)
			}
		}
		if err = fn(ctx); err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// retryPause is the pause before round n+1 of retryWhen: 200 ms doubling to a 5 s cap.
func retryPause(round int) time.Duration {
	return min(200*time.Millisecond<<min(round, 5), 5*time.Second)
}

// readRounds is how many times a read is sent again (each time with the transport's max_retries)
// after Okta kept answering it with a transient failure. With the transport's 5 retries a read then
// fails only after 18 transient answers in a row: at a 20% fault rate, once in about 4e12 reads
// instead of once in 15,625.
const readRounds = 3

// answeredTransient says Okta answered, but with a failure that says nothing about the request: a
// 5xx or a 429 that outlived the transport's retries. A call that got no answer at all (connection
// refused, DNS, per-attempt timeout) is not retried again here: the transport has already spent
// its retries on it, and an unreachable org must fail within the request timeout, not three times
// that. The caller's own deadline or cancellation is final.
func answeredTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	s := StatusOf(err)
	return s >= http.StatusInternalServerError || s == http.StatusTooManyRequests
}

package contacts

import (
	"context"
	"time"

	"rapport/internal/model"
)

// Forecaster says when outreach to contacts that are not in the queue yet
// would go, after everything already queued: the daily limit, the
// preferred days, the send window and the spacing all apply. It returns
// one time per contact, in order (zero: not planned). The scheduler
// implements it; it must not write anything.
type Forecaster interface {
	Forecast(ctx context.Context, add []*model.Contact, now time.Time) ([]time.Time, error)
}

// PlannerForecast forecasts with a Planner alone: each contact's next
// allowed slot, as if it were the only one. It knows neither the queue
// nor the daily limit, so it is optimistic for large imports.
type PlannerForecast struct{ Planner Planner }

// Forecast implements Forecaster.
func (p PlannerForecast) Forecast(_ context.Context, add []*model.Contact, now time.Time) ([]time.Time, error) {
	out := make([]time.Time, len(add))
	for i, c := range add {
		out[i] = now
		if p.Planner != nil {
			out[i] = p.Planner.NextOutreach(c, now)
		}
	}
	return out, nil
}

// PlanSpan returns the first and last planned send of a report's plan.
func (r *Report) PlanSpan() (first, last time.Time) {
	for _, t := range r.Plan {
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

// Weeks is how many weeks (rounded up, at least one) pass from now until
// the last planned send: the length of the plan as a person would say it.
func Weeks(now, last time.Time) int {
	if !last.After(now) {
		return 1
	}
	d := last.Sub(now)
	w := int(d / (7 * 24 * time.Hour))
	if d%(7*24*time.Hour) != 0 {
		w++
	}
	return max(w, 1)
}

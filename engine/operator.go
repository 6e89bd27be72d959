package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// operator is a pull-based physical operator over Arrow record batches, in
// the shape of Loki's engine pipeline.
//
// Next returns the next batch, owned by the caller (who must Release it),
// or io.EOF once the operator is exhausted. Close releases whatever the
// operator still holds and closes its input; it is safe to call once after
// any Open, successful or not.
type operator interface {
	Open(ctx context.Context) error
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close()
}

// execEnv is what operators need from the engine during one execution.
type execEnv struct {
	eng       *Engine
	mem       memory.Allocator
	batchSize int
	// prof, when set, counts rows and time per operator (ExecuteProfile).
	prof *profiler
}

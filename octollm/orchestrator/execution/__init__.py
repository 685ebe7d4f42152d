"""Task execution: a durable queue, workers, arms, retries, circuit breakers, deadlines."""

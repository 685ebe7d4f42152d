"""Tasks: the model and its state machine, the service, and the stores."""

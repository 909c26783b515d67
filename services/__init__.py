"""Application services: what pages call. They combine the store, personas and scoring."""

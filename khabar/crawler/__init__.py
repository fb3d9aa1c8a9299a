"""The crawler's Django edge: the refresh recipe, the tasks, the scheduler and worker."""

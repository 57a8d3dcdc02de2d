"""Scheduled work (retrain, forecast, reprice, send emails) and its run log."""

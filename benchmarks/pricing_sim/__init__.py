"""Market simulator for the pricing benchmark (issue 7): :mod:`.market` draws the hidden
truth, :mod:`.policies` holds the four policies, :mod:`.simulate` runs and scores them."""

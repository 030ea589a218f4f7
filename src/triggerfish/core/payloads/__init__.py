"""The events triggers hand to functions, built in AWS's exact wire shapes.

One module per event source. Builders are pure: they take everything the triggering service knows
as keyword arguments and return ``TypedDict`` records; the ``{"Records": [...]}`` envelopes are
built by separate functions so that pollers can batch records as they please.
"""

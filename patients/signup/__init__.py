"""Patient self-signup: a person gives their details, receives a one-time
code by email, and entering it makes their account (services.py says the
rules; domain.py holds them as plain data)."""
